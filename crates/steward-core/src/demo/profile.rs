//! The shape of the demo tenant: the categories of service principal and their shares, how many
//! of each a given size gets, and what the sign-in generator keeps about each identity that signs
//! in (its profile and the credential it signs in with).

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Category {
    Microsoft,
    OwnSingle,
    OwnMulti,
    ThirdParty,
    SystemMi,
    UserMi,
    Legacy,
    SocialIdp,
    Agent,
}

/// Shares of the service principals per category (a majority of Microsoft first-party apps).
const SHARES: &[(Category, f64)] = &[
    (Category::Microsoft, 0.52),
    (Category::OwnSingle, 0.15),
    (Category::OwnMulti, 0.03),
    (Category::ThirdParty, 0.12),
    (Category::SystemMi, 0.09),
    (Category::UserMi, 0.05),
    (Category::Legacy, 0.01),
    (Category::SocialIdp, 0.002),
    (Category::Agent, 0.028),
];

/// How many service principals of each category make exactly `n`, with at least one of every
/// category once `n` allows it.
pub(super) fn allocate(n: usize) -> Vec<(Category, usize)> {
    let mut counts: Vec<(Category, usize)> = SHARES
        .iter()
        .map(|(c, s)| (*c, (s * n as f64) as usize))
        .collect();
    if n >= SHARES.len() * 2 {
        for c in counts.iter_mut() {
            c.1 = c.1.max(1);
        }
    }
    // Hand out or take back the rounding difference, largest categories first.
    let mut total: usize = counts.iter().map(|c| c.1).sum();
    let mut i = 0;
    while total < n {
        counts[i % 4].1 += 1;
        total += 1;
        i += 1;
    }
    while total > n {
        let largest = counts.iter_mut().max_by_key(|c| c.1).expect("categories");
        largest.1 -= 1;
        total -= 1;
    }
    counts
}

/// What the sign-in generator needs to know about one identity that signs in.
pub(super) struct Profile {
    pub(super) sp_id: u128,
    pub(super) app_id: u128,
    pub(super) name: Box<str>,
    pub(super) managed: bool,
    /// Indexes into LOCATIONS, and the host part of the IP used there.
    pub(super) places: Vec<(u8, u16)>,
    pub(super) resources: Vec<u8>,
    pub(super) credential: UsedCredential,
    pub(super) failure_rate: f32,
    /// Single-tenant apps in this tenant are what conditional access can block.
    pub(super) ca_eligible: bool,
}

#[derive(Clone, Copy)]
pub(super) enum UsedCredential {
    Secret { key: u128, expired: bool },
    Certificate { key: u128, thumb: u128 },
    Federated { fic: u128, renamed_repo: bool },
    ManagedIdentity,
    None,
}
