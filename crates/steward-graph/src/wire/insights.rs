//! Subscribed SKUs, named locations, Identity Protection's risky service principals and
//! detections, and Entra's recommendations, from Graph's JSON.

use serde_json::Value;
use steward_core::model::{
    DirectoryRecommendation, NamedLocation, RiskyServicePrincipal, ServicePrincipalRiskDetection,
    SignInLocation, SubscribedSku,
};

use crate::json::{Field, Obj};

pub fn subscribed_sku(o: Obj<'_>) -> Field<SubscribedSku> {
    let prepaid = match o.opt_obj("prepaidUnits")? {
        Some(p) => p.opt_i64("enabled")?.unwrap_or(0),
        None => 0,
    };
    let plans = o
        .objs("servicePlans")?
        .into_iter()
        .enumerate()
        .map(|(i, p)| o.within("servicePlans", i, || p.str("servicePlanId")))
        .collect::<Field<Vec<_>>>()?;
    Ok(SubscribedSku {
        sku_id: o.str("skuId")?,
        sku_part_number: o.str("skuPartNumber")?,
        capability_status: o
            .opt_str("capabilityStatus")?
            .unwrap_or_else(|| "Enabled".into()),
        prepaid_enabled: prepaid,
        consumed_units: o.opt_i64("consumedUnits")?.unwrap_or(0),
        service_plan_ids: plans,
        // Trial state lives in directory/subscriptions, which an import of subscribedSkus lacks.
        is_trial: false,
        next_lifecycle: None,
    })
}

pub fn named_location(o: Obj<'_>) -> Field<NamedLocation> {
    let odata = match o.get("@odata.type") {
        Some(Value::String(t)) => t.as_str(),
        _ => "",
    };
    let ip = odata.ends_with("ipNamedLocation") || o.has("ipRanges");
    let ranges = o
        .objs("ipRanges")?
        .into_iter()
        .enumerate()
        .map(|(i, r)| o.within("ipRanges", i, || r.str("cidrAddress")))
        .collect::<Field<Vec<_>>>()?;
    Ok(NamedLocation {
        id: o.str("id")?,
        display_name: o.opt_str("displayName")?.unwrap_or_default(),
        kind: if ip { "ip" } else { "country" }.into(),
        is_trusted: o.opt_bool("isTrusted")?.unwrap_or(false),
        ip_ranges: ranges,
        countries_and_regions: o.strings("countriesAndRegions")?,
        include_unknown_countries_and_regions: o
            .opt_bool("includeUnknownCountriesAndRegions")?
            .unwrap_or(false),
    })
}

pub fn risky_service_principal(o: Obj<'_>) -> Field<RiskyServicePrincipal> {
    Ok(RiskyServicePrincipal {
        id: o.str("id")?,
        app_id: o.opt_str("appId")?,
        display_name: o.opt_str("displayName")?,
        service_principal_type: o.opt_str("servicePrincipalType")?,
        is_enabled: o.opt_bool("isEnabled")?,
        is_processing: o.opt_bool("isProcessing")?,
        risk_level: o.opt_str("riskLevel")?.unwrap_or_else(|| "none".into()),
        risk_state: o.opt_str("riskState")?.unwrap_or_else(|| "none".into()),
        risk_detail: o.opt_str("riskDetail")?.unwrap_or_else(|| "none".into()),
        risk_last_updated_date_time: o.opt_time("riskLastUpdatedDateTime")?,
    })
}

pub fn risk_detection(o: Obj<'_>) -> Field<ServicePrincipalRiskDetection> {
    let location = match o.opt_obj("location")? {
        Some(l) => Some(SignInLocation {
            city: l.opt_str("city")?,
            state: l.opt_str("state")?,
            country_or_region: l.opt_str("countryOrRegion")?,
        }),
        None => None,
    };
    Ok(ServicePrincipalRiskDetection {
        id: o.str("id")?,
        service_principal_id: o.str("servicePrincipalId")?,
        service_principal_display_name: o.opt_str("servicePrincipalDisplayName")?,
        app_id: o.opt_str("appId")?,
        risk_event_type: o.str("riskEventType")?,
        risk_state: o.opt_str("riskState")?.unwrap_or_else(|| "atRisk".into()),
        risk_level: o.opt_str("riskLevel")?.unwrap_or_else(|| "none".into()),
        risk_detail: o.opt_str("riskDetail")?.unwrap_or_else(|| "none".into()),
        source: o.opt_str("source")?,
        detection_timing_type: o.opt_str("detectionTimingType")?,
        activity: o.opt_str("activity")?,
        ip_address: o.opt_str("ipAddress")?,
        location,
        activity_date_time: o.opt_time("activityDateTime")?,
        detected_date_time: o.opt_time("detectedDateTime")?,
        last_updated_date_time: o.opt_time("lastUpdatedDateTime")?,
        key_ids: o.strings("keyIds")?,
        request_id: o.opt_str("requestId")?,
        correlation_id: o.opt_str("correlationId")?,
        additional_info: o.opt_str("additionalInfo")?,
    })
}

pub fn directory_recommendation(o: Obj<'_>) -> Field<DirectoryRecommendation> {
    let steps = o
        .objs("actionSteps")?
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            o.within("actionSteps", i, || {
                Ok(s.opt_str("text")?.unwrap_or_default())
            })
        })
        .collect::<Field<Vec<_>>>()?;
    Ok(DirectoryRecommendation {
        id: o.str("id")?,
        recommendation_type: o.str("recommendationType")?,
        display_name: o.opt_str("displayName")?.unwrap_or_default(),
        status: o.opt_str("status")?.unwrap_or_else(|| "active".into()),
        priority: o.opt_str("priority")?.unwrap_or_else(|| "medium".into()),
        insights: o.opt_str("insights")?,
        benefits: o.opt_str("benefits")?,
        action_steps: steps,
        last_checked_date_time: o.opt_time("lastCheckedDateTime")?,
        postpone_until_date_time: o.opt_time("postponeUntilDateTime")?,
    })
}
