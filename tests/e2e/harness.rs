//! Starting the app under WebDriver, waiting for content, and reading the cache directly.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use rusqlite::Connection;

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn binary(name: &str) -> PathBuf {
    let dir = std::env::var_os("STEWARD_BIN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug"));
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build it first (`cargo build -p steward-desktop -p steward-cli`), or run scripts/test.sh",
        path.display()
    );
    path.canonicalize().expect("binary path")
}

/// A demo cache in a temporary folder, made by the real CLI.
pub struct Cache {
    _dir: Option<tempfile::TempDir>,
    pub path: PathBuf,
}

impl Cache {
    /// A cache that already exists (a benchmark's large one): used as it is, and kept.
    #[allow(dead_code)] // by benches/first_paint.rs, which shares this harness
    pub fn existing(path: PathBuf) -> Cache {
        assert!(path.exists(), "no cache at {}", path.display());
        Cache { _dir: None, path }
    }

    pub fn demo(service_principals: u32, sign_ins: u32) -> Cache {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("e2e.db");
        let status = Command::new(binary("steward"))
            .arg("--db")
            .arg(&path)
            .args(["demo", "--seed", "11"])
            .args(["--service-principals", &service_principals.to_string()])
            .args(["--sign-ins", &sign_ins.to_string()])
            .stdout(Stdio::null())
            .status()
            .expect("run steward demo");
        assert!(status.success(), "steward demo failed");
        Cache {
            _dir: Some(dir),
            path,
        }
    }

    pub fn conn(&self) -> Connection {
        Connection::open(&self.path).expect("open cache")
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).expect(sql)
    }

    pub fn string(&self, sql: &str) -> String {
        self.conn().query_row(sql, [], |r| r.get(0)).expect(sql)
    }
}

static NEXT_PORT: AtomicU16 = AtomicU16::new(0);

/// Every page of the window, by the name its navigation button (`nav-…`) and its section
/// (`page-…`) carry.
pub const PAGES: [&str; 10] = [
    "overview",
    "identities",
    "recommendations",
    "risk",
    "conditionalAccess",
    "accessReviews",
    "licensing",
    "reports",
    "changes",
    "connections",
];

/// What shows once a page has drawn the cache's data (its section mounts before the data comes).
fn drawn(page: &str) -> &'static str {
    match page {
        "overview" => "chart-card",
        "identities" => "identity-row",
        "recommendations" => "rec-row",
        "risk" => "risk-levels",
        "conditionalAccess" => "ca-tabs",
        "accessReviews" => "reviews-loaded",
        "licensing" => "lic-headline",
        "reports" => "report-preview",
        "changes" => "changes-waiting",
        "connections" => "conn-tenant",
        other => panic!("no page {other}"),
    }
}

/// How long any lookup or condition waits before the test fails with what the page shows.
const WAIT: Duration = Duration::from_secs(20);

/// tauri-driver plus a WebDriver session on the real window.
///
/// The WebDriver client is private: every element lookup goes through [`App::element`], which
/// waits for the element (pages mount before their data arrives, and a warm CI machine hides
/// what a cold one shows), and a failure names the selector and the page's visible text.
pub struct App {
    driver: Child,
    client: Client,
    name: String,
    /// The cache the window was opened on: what a leftover process of it is recognised by.
    db: PathBuf,
    /// Where the app's file dialogs take their answers (`STEWARD_TEST_DIALOG_ANSWERS`, honoured by
    /// debug builds only): WebDriver cannot drive a native dialog.
    dialogs: tempfile::TempDir,
}

impl App {
    pub async fn start(test: &str, cache: &Cache) -> App {
        App::start_with_env(test, cache, &[]).await
    }

    /// As [`App::start`], with more environment for the app (`GTK_THEME=Adwaita:dark`, say).
    pub async fn start_with_env(test: &str, cache: &Cache, env: &[(&str, &str)]) -> App {
        // The WebDriver client's TLS stack and graph-sim's bring two crypto providers into this
        // binary, so rustls cannot pick one by itself: ring, as the rest of Steward uses.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dialogs = tempfile::tempdir().expect("temp dir");
        let answers = dialogs.path().join("answers");
        std::fs::write(&answers, "").expect("the dialogs' answer file");
        // A WebDriver session that does not come up within a minute (WebKit has been seen to hang
        // while launching the window) is abandoned and started once more on fresh ports, so the
        // suite fails with a message, or goes on, rather than waiting for ever.
        //
        // The window is one per cache (a second launch on the same cache shows the running window
        // and exits): a window of an earlier session on this cache that has not gone yet would
        // take the new launch's place, and no session would ever come up. So none is left.
        end_windows_on(&cache.path);
        let mut attempt = 0;
        let (driver, client) = loop {
            attempt += 1;
            let (driver, session) = Self::launch(cache, env, &answers, dialogs.path());
            match tokio::time::timeout(Duration::from_secs(60), session).await {
                Ok(client) => break (driver, client),
                Err(_) if attempt < 2 => {
                    stop_driver(driver);
                    end_windows_on(&cache.path);
                }
                Err(_) => {
                    stop_driver(driver);
                    end_windows_on(&cache.path);
                    panic!("{test}: no WebDriver session on steward-desktop within 60 s, twice")
                }
            }
        };
        App {
            driver,
            client,
            name: test.into(),
            db: cache.path.clone(),
            dialogs,
        }
    }

    /// Starts tauri-driver on fresh ports and asks it for a session on the app; returns the
    /// driver and the pending session.
    fn launch<'a>(
        cache: &'a Cache,
        env: &'a [(&str, &str)],
        answers: &'a std::path::Path,
        dialogs: &'a std::path::Path,
    ) -> (Child, impl std::future::Future<Output = Client> + 'a) {
        let base = 4444 + 10 * (std::process::id() % 500) as u16;
        let port = base + 2 * NEXT_PORT.fetch_add(1, Ordering::SeqCst);
        let driver =
            Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()))
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &(port + 1).to_string(),
                ])
                // The app keeps client secrets for its own lifetime only: a test never writes to
                // the machine's keyring.
                .env("STEWARD_SECRET_STORE", "memory")
                .env("STEWARD_TEST_DIALOG_ANSWERS", answers)
                // Nor reads or writes the machine's settings (the window's remembered size).
                .env("XDG_CONFIG_HOME", dialogs.join("config"))
                .envs(env.iter().copied())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start tauri-driver (cargo install tauri-driver --locked --version ^2)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({
                "application": binary("steward-desktop"),
                "args": ["--db", cache.path],
            }),
        );
        let session = async move {
            ClientBuilder::rustls()
                .expect("tls")
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
                .expect("WebDriver session on steward-desktop")
        };
        (driver, session)
    }

    /// Presses `key` on whatever has the keyboard focus, as a keyboard user would.
    pub async fn press(&self, key: fantoccini::key::Key) {
        let focused = self
            .client
            .active_element()
            .await
            .expect("the focused element");
        focused
            .send_keys(&key.to_string())
            .await
            .unwrap_or_else(|e| panic!("press {:?}: {e}", char::from(key)));
    }

    /// An attribute of the element that has the keyboard focus (`None` when it has none).
    pub async fn focused(&self, attribute: &str) -> Option<String> {
        let v = self
            .execute(
                "const e = document.activeElement; return e ? e.getAttribute(arguments[0]) : null",
                vec![serde_json::Value::String(attribute.into())],
            )
            .await;
        v.as_str().map(str::to_string)
    }

    /// Opens `page` (one of [`PAGES`]) from the navigation and waits until it has drawn its data.
    pub async fn open_page(&self, page: &str) {
        self.find(&format!("nav-{page}"))
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("open the {page} page: {e}"));
        self.find(&format!("page-{page}")).await;
        self.find(drawn(page)).await;
    }

    /// Clicks the button with this test id until `done` holds: a click that lands while a dialog
    /// is still opening (its surface moving in) is lost under load, so it is given again. Only for
    /// buttons a second click cannot act on twice (disabled while busy, gone once done).
    pub async fn click_until<F, Fut>(&self, testid: &str, what: &str, mut done: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        self.find(testid).await;
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(button) = self
                .client
                .find_all(Locator::Css(&format!("[data-testid='{testid}']")))
                .await
                .unwrap_or_default()
                .into_iter()
                .next()
            {
                // A stale or covered button is clicked again on the next round.
                let _ = button.click().await;
            }
            let until = Instant::now() + Duration::from_secs(2);
            while Instant::now() < until {
                if done().await {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            if Instant::now() > deadline {
                let page = self.failure_evidence().await;
                panic!("timed out clicking {testid} until {what}\npage: {page}");
            }
        }
    }

    /// Fills in the Connections form for the Graph simulator at `url`: the tenant (unless the form
    /// already holds one), the client id, the client secret when given (a kept one is used
    /// otherwise), and under Advanced the Graph and authority URLs.
    pub async fn fill_connection(
        &self,
        tenant: &str,
        client_id: &str,
        url: &str,
        secret: Option<&str>,
    ) {
        self.find("page-connections").await;
        if self.value("conn-tenant").await.is_empty() {
            self.type_into("conn-tenant", tenant).await;
        }
        self.type_into("conn-client", client_id).await;
        if let Some(s) = secret {
            self.type_into("conn-secret", s).await;
        }
        self.find("conn-advanced")
            .await
            .click()
            .await
            .expect("open Advanced");
        self.type_into("conn-graph-url", url).await;
        self.type_into("conn-authority-url", url).await;
    }

    /// The answer the app's next file dialog gives, as if the admin had chosen `path` in it.
    pub fn answer_dialog(&self, path: &std::path::Path) {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dialogs.path().join("answers"))
            .expect("the dialogs' answer file");
        writeln!(file, "{}", path.display()).expect("write a dialog answer");
    }

    /// The element `css` selects, once it is on screen (waits up to 20 s). The one lookup of the
    /// harness: everything that finds an element comes here.
    pub async fn element(&self, css: &str) -> Element {
        let found = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(e) => e,
            Err(e) => {
                let page = self.failure_evidence().await;
                panic!("no {css} on screen: {e}\npage: {page}")
            }
        }
    }

    /// The element with this test id, once it is on screen.
    pub async fn find(&self, testid: &str) -> Element {
        self.element(&format!("[data-testid='{testid}']")).await
    }

    /// The text field with this test id: the element itself when it is an input, else the input
    /// inside it (Fluent's SearchBox and SpinButton put the test id on a wrapper).
    pub async fn input(&self, testid: &str) -> Element {
        self.element(&format!(
            "input[data-testid='{testid}'], [data-testid='{testid}'] input"
        ))
        .await
    }

    /// Saves a screenshot of the failing state and returns the start of the page's text.
    async fn failure_evidence(&self) -> String {
        let dir = workspace_root().join("target/e2e-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{}-failure.png", self.name)), png);
        }
        // The visible text says what the user saw (an error bar, a spinner); the page source would
        // mostly show style tags.
        let text = self
            .client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        text.chars().take(3000).collect()
    }

    /// Types `text` into the (empty) field with this test id and waits until the field holds
    /// exactly that text: under load WebKitWebDriver can deliver keys while the app is still
    /// re-rendering the field, so a short value is retyped once rather than used as is.
    pub async fn type_into(&self, testid: &str, text: &str) {
        for attempt in 0..2 {
            let field = self.find(testid).await;
            if attempt > 0 {
                field
                    .clear()
                    .await
                    .unwrap_or_else(|e| panic!("clear {testid}: {e}"));
            }
            field
                .send_keys(text)
                .await
                .unwrap_or_else(|e| panic!("type into {testid}: {e}"));
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if self.value(testid).await == text {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let page = self.failure_evidence().await;
        panic!(
            "[data-testid={testid}] holds {:?}, not {text:?}\npage: {page}",
            self.value(testid).await
        );
    }

    /// The current value of the input or textarea with this test id (Fluent puts the test id
    /// on the element itself for Input's and Textarea's native slot).
    pub async fn value(&self, testid: &str) -> String {
        let v = self
            .client
            .execute(
                "const e = document.querySelector(`[data-testid='${arguments[0]}']`); \
                 const f = e && (e.matches('input,textarea') ? e : e.querySelector('input,textarea')); \
                 return f ? f.value : null;",
                vec![serde_json::Value::String(testid.into())],
            )
            .await
            .expect("read value");
        v.as_str().unwrap_or_default().to_owned()
    }

    /// Every element `css` selects right now, without waiting: for counts inside [`App::until`],
    /// or after a wait that already saw them.
    ///
    /// WebKitWebDriver answers "stale element" when a matching element leaves the page while it
    /// is collecting them (a dialog closing, a list redrawing): the lookup is then made again.
    pub async fn all(&self, css: &str) -> Vec<Element> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.client.find_all(Locator::Css(css)).await {
                Ok(found) => return found,
                Err(fantoccini::error::CmdError::Standard(e))
                    if attempt < 5
                        && e.error == fantoccini::error::ErrorStatus::StaleElementReference =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("{css}: {e:?}"),
            }
        }
    }

    /// Waits until `check` holds, polling the page; panics with `what` after 20 s.
    pub async fn until<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + WAIT;
        while !check().await {
            if Instant::now() > deadline {
                let page = self.failure_evidence().await;
                panic!("timed out waiting until {what}\npage: {page}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text content of the element with this test id, once it is on screen. (WebDriver's own
    /// "element text" reports nothing for some Fluent elements under WebKitWebDriver.)
    pub async fn text(&self, testid: &str) -> String {
        self.find(testid).await;
        self.texts(&format!("[data-testid='{testid}']"))
            .await
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    /// The text content of every element matching `css`, in document order.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let v = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)",
                vec![serde_json::Value::String(css.into())],
            )
            .await
            .expect("read texts");
        serde_json::from_value(v).unwrap_or_default()
    }

    pub async fn screenshot(&self) {
        self.settle().await;
        let dir = workspace_root().join("target/e2e-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{}.png", self.name)), png).expect("write screenshot");
    }

    /// Scrolls the element `css` selects to the middle of its scroll area and clicks it
    /// (WebKitWebDriver refuses to click what is scrolled out of view).
    pub async fn click_in_view(&self, css: &str) {
        let el = self.scroll_to(css).await;
        el.click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Scrolls the element `css` selects to the middle of its scroll area.
    pub async fn scroll_to(&self, css: &str) -> Element {
        let el = self.element(css).await;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&el).expect("element")],
            )
            .await
            .expect("scroll into view");
        el
    }

    /// Runs a script in the page and returns its result.
    pub async fn execute(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("run a script in the page: {e}\n{script}"))
    }

    /// Runs an asynchronous script (its last argument is the callback) and returns its result.
    pub async fn execute_async(
        &self,
        script: &str,
        args: Vec<serde_json::Value>,
    ) -> serde_json::Value {
        self.client
            .execute_async(script, args)
            .await
            .unwrap_or_else(|e| panic!("run a script in the page: {e}\n{script}"))
    }

    /// Moves lookups into the page's `index`th frame, until [`App::leave_frame`].
    pub async fn enter_frame(&self, index: u16) {
        self.client
            .enter_frame(index)
            .await
            .unwrap_or_else(|e| panic!("enter frame {index}: {e}"));
    }

    /// Moves lookups back to the parent of the current frame.
    pub async fn leave_frame(&self) {
        self.client
            .enter_parent_frame()
            .await
            .unwrap_or_else(|e| panic!("leave the frame: {e}"));
    }

    /// Whether a JavaScript alert is open (a hostile string that ran would have opened one).
    pub async fn alert_open(&self) -> bool {
        self.client.get_alert_text().await.is_ok()
    }

    /// Lets WebKit paint what the DOM already holds: under Xvfb a screenshot taken right after an
    /// update can show the frame before it.
    async fn settle(&self) {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    }

    /// A second screenshot of the same test, saved as `<test>-<suffix>.png`.
    pub async fn screenshot_as(&self, suffix: &str) {
        self.settle().await;
        let dir = workspace_root().join("target/e2e-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{}-{suffix}.png", self.name)), png)
            .expect("write screenshot");
    }

    /// The window's outer position and size, as WebDriver reports them: `(x, y, width, height)`.
    pub async fn window_rect(&self) -> (i64, i64, i64, i64) {
        let (x, y, w, h) = self
            .client
            .get_window_rect()
            .await
            .expect("the window's rect");
        (x as i64, y as i64, w as i64, h as i64)
    }

    /// Moves and resizes the window, as the admin would by dragging it.
    pub async fn set_window_rect(&self, x: u32, y: u32, width: u32, height: u32) {
        self.client
            .set_window_rect(x, y, width, height)
            .await
            .expect("move and resize the window");
    }

    pub async fn stop(self) {
        // Closing the session must not hang the suite either.
        let _ = tokio::time::timeout(Duration::from_secs(15), self.client.close()).await;
        stop_driver(self.driver);
        end_windows_on(&self.db);
    }
}

/// Ends every steward-desktop process opened on the cache `db` (its command line names the
/// cache): asks with SIGTERM, waits up to 10 s, then SIGKILLs what is left, and returns once none
/// is running. WebKitWebDriver ends the app when its session closes, but not always before the
/// next test starts, and not at all when tauri-driver is stopped mid-launch.
fn end_windows_on(db: &std::path::Path) {
    let running = || windows_on(db);
    let first = running();
    if first.is_empty() {
        return;
    }
    for pid in &first {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status();
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if running().is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    for pid in running() {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(pid.to_string())
            .status();
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !running().is_empty() {
        assert!(
            Instant::now() < deadline,
            "a steward-desktop on {} outlived SIGKILL",
            db.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The process ids of running steward-desktop processes whose arguments name the cache `db`
/// (read from /proc; a zombie has an empty command line and is not counted).
fn windows_on(db: &std::path::Path) -> Vec<u32> {
    let db = db.as_os_str().as_encoded_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
                return false;
            };
            let mut args = cmdline.split(|b| *b == 0);
            let is_app = args
                .next()
                .is_some_and(|exe| exe.ends_with(b"steward-desktop"));
            is_app && args.any(|a| a == db)
        })
        .collect()
}

/// SIGTERM, never SIGKILL: tauri-driver then stops WebKitWebDriver, which would otherwise keep its
/// port and our output pipe open.
fn stop_driver(mut driver: Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(driver.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = driver.kill();
}

/// Digits of a rendered number such as "1,234 service principals"; None while the element still
/// shows something else (e.g. "Loading…").
pub fn number_in(text: &str) -> Option<i64> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The titles of the app's top-level windows on the X display, as the taskbar and window
/// switcher read them (`xwininfo`, from x11-utils).
pub fn os_window_titles() -> Vec<String> {
    let out = Command::new("xwininfo")
        .args(["-root", "-tree"])
        .output()
        .expect("run xwininfo (apt-get install x11-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("(\"steward-desktop\" "))
        .filter_map(|l| {
            let start = l.find('"')? + 1;
            let end = start + l[start..].find("\": (")?;
            Some(l[start..end].to_string())
        })
        .filter(|t| t != "steward-desktop")
        .collect()
}
