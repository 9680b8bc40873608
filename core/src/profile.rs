//! Device profiles: the port tables of vendors' support articles, as data.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::advice::Advice;
use crate::inbound::MAX_INBOUND_PORTS;
use crate::ports::{PortList, PortListError, PortRange};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        })
    }
}

/// Seen from the user's network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The device or app opens the connection to the internet.
    Outbound,
    /// Something on the internet opens a connection to the device or app.
    Inbound,
}

/// A vendor document a profile was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Short key that requirements refer to, e.g. "en".
    pub key: String,
    /// File in `docs/sources/` that records what the article says.
    pub doc: String,
    /// BCP 47 language of the document.
    pub lang: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub protocol: Protocol,
    pub ports: PortRange,
    pub direction: Direction,
    /// What the traffic is for, in the vendor's words ("Live View video").
    pub purpose: String,
    /// What stops working when it is blocked, for the summary.
    pub breaks: String,
    #[serde(default = "required_by_default")]
    pub required: bool,
    /// Keys of the profile's sources that list this requirement.
    pub sources: Vec<String>,
    /// Where the sources disagree or need reading with care.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `purpose` and `breaks` in other languages, by language code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub l10n: BTreeMap<String, RequirementText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementText {
    pub purpose: String,
    pub breaks: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileText {
    pub name: String,
    pub summary: String,
}

fn required_by_default() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub summary: String,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// `name` and `summary` in other languages, by language code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub l10n: BTreeMap<String, ProfileText>,
    /// The vendor's own advice for this device, beyond opening ports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advice: Vec<Advice>,
    /// Whose figures say the profile's calls or video will be good; none
    /// for a profile with no real-time media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<crate::quality::QualityStandard>,
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("profile file {file}: {message}")]
    Parse { file: String, message: String },
    #[error("profile {id}: the id must be lowercase letters, digits and dashes")]
    BadId { id: String },
    #[error("profile {id}: it has no requirements")]
    NoRequirements { id: String },
    #[error("profile {id}: requirement \"{purpose}\" cites source \"{key}\", which the profile does not list")]
    UnknownSource {
        id: String,
        purpose: String,
        key: String,
    },
    #[error("two profiles have the id {id}")]
    DuplicateId { id: String },
}

impl Profile {
    /// The profile with its texts in `lang` where it has them (English stays
    /// where it does not).
    pub fn localized(&self, lang: &str) -> Profile {
        let mut profile = self.clone();
        if let Some(text) = self.l10n.get(lang) {
            profile.name = text.name.clone();
            profile.summary = text.summary.clone();
        }
        for requirement in &mut profile.requirements {
            if let Some(text) = requirement.l10n.get(lang) {
                requirement.purpose = text.purpose.clone();
                requirement.breaks = text.breaks.clone();
                if text.note.is_some() {
                    requirement.note = text.note.clone();
                }
            }
        }
        profile
    }

    /// Checks what serde cannot: ids, and that every cited source exists.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let id_ok = !self.id.is_empty()
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(ProfileError::BadId {
                id: self.id.clone(),
            });
        }
        if self.requirements.is_empty() {
            return Err(ProfileError::NoRequirements {
                id: self.id.clone(),
            });
        }
        let keys: HashSet<&str> = self.sources.iter().map(|s| s.key.as_str()).collect();
        for requirement in &self.requirements {
            if let Some(key) = requirement
                .sources
                .iter()
                .find(|key| !keys.contains(key.as_str()))
            {
                return Err(ProfileError::UnknownSource {
                    id: self.id.clone(),
                    purpose: requirement.purpose.clone(),
                    key: key.clone(),
                });
            }
        }
        Ok(())
    }

    /// A profile built from a support article's port lists, as given in the URL
    /// (`?tcp=443,8557&udp=3478,16500-65000`). Everything is outbound and required:
    /// that is how such lists are meant.
    pub fn custom(tcp: Option<&str>, udp: Option<&str>) -> Result<Profile, CustomProfileError> {
        Profile::custom_with_inbound(tcp, udp, None)
    }

    /// A profile from a support article's lists: outgoing `tcp` and `udp`,
    /// and `inbound` TCP ports the server may check from outside (at most
    /// [`MAX_INBOUND_PORTS`] ports).
    pub fn custom_with_inbound(
        tcp: Option<&str>,
        udp: Option<&str>,
        inbound: Option<&str>,
    ) -> Result<Profile, CustomProfileError> {
        if tcp.is_none() && udp.is_none() && inbound.is_none() {
            return Err(CustomProfileError::NoPorts);
        }
        let parse = |text: Option<&str>, protocol| -> Result<PortList, CustomProfileError> {
            text.map_or(Ok(PortList::default()), |text| {
                text.parse()
                    .map_err(|error| CustomProfileError::Ports { protocol, error })
            })
        };
        let tcp = parse(tcp, Protocol::Tcp)?;
        let udp = parse(udp, Protocol::Udp)?;
        let inbound: PortList = inbound
            .map_or(Ok(PortList::default()), str::parse)
            .map_err(CustomProfileError::InboundPorts)?;
        if inbound.port_count() > MAX_INBOUND_PORTS {
            return Err(CustomProfileError::TooManyInbound {
                count: inbound.port_count(),
                max: MAX_INBOUND_PORTS,
            });
        }
        let requirement = |protocol, ports, direction| {
            let (what, incoming) = match direction {
                Direction::Inbound => (format!("incoming {protocol} {ports}"), " incoming"),
                Direction::Outbound => (format!("{protocol} {ports}"), ""),
            };
            Requirement {
                protocol,
                ports,
                direction,
                purpose: format!("{protocol} {ports}{incoming} (from the support article)"),
                breaks: format!("Whatever the article needs {what} for"),
                required: true,
                sources: Vec::new(),
                note: None,
                l10n: BTreeMap::new(),
            }
        };
        let requirements = [
            (Protocol::Tcp, &tcp, Direction::Outbound),
            (Protocol::Udp, &udp, Direction::Outbound),
            (Protocol::Tcp, &inbound, Direction::Inbound),
        ]
        .into_iter()
        .flat_map(|(protocol, list, direction)| {
            list.ranges()
                .iter()
                .map(move |&ports| requirement(protocol, ports, direction))
        })
        .collect();
        let describe =
            |protocol, list: &PortList| (!list.is_empty()).then(|| format!("{protocol} {list}"));
        let incoming = (!inbound.is_empty()).then(|| format!("incoming TCP {inbound}"));
        let summary = [
            describe(Protocol::Tcp, &tcp),
            describe(Protocol::Udp, &udp),
            incoming,
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ");
        Ok(Profile {
            id: CUSTOM_PROFILE_ID.into(),
            name: "Ports from a support article".into(),
            vendor: String::new(),
            summary,
            sources: Vec::new(),
            notes: Vec::new(),
            l10n: BTreeMap::new(),
            advice: Vec::new(),
            // Ports alone say nothing of calls: no standard to judge by.
            quality: None,
            requirements,
        })
    }
}

pub const CUSTOM_PROFILE_ID: &str = "custom";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomProfileError {
    #[error(
        "no ports given: add tcp=…, udp=… and/or in=… to the address, e.g. ?tcp=443,8557&udp=16500-65000"
    )]
    NoPorts,
    #[error("the {protocol} port list: {error}")]
    Ports {
        protocol: Protocol,
        error: PortListError,
    },
    #[error("the incoming list (in=…): {0}")]
    InboundPorts(PortListError),
    #[error(
        "the incoming list (in=…) names {count} ports; at most {max} can be checked from outside"
    )]
    TooManyInbound { count: u32, max: u32 },
}

#[cfg(feature = "builtin-profiles")]
mod builtin {
    use super::*;

    /// The profile files, embedded so the binary and the wasm agree on them.
    const FILES: &[(&str, &str)] = &[
        ("ring.toml", include_str!("../profiles/ring.toml")),
        (
            "ring-alarm.toml",
            include_str!("../profiles/ring-alarm.toml"),
        ),
        (
            "ringio-webphone.toml",
            include_str!("../profiles/ringio-webphone.toml"),
        ),
        (
            "ringio-sip.toml",
            include_str!("../profiles/ringio-sip.toml"),
        ),
        (
            "ringio-desktop.toml",
            include_str!("../profiles/ringio-desktop.toml"),
        ),
        (
            "mobotix-mxmc.toml",
            include_str!("../profiles/mobotix-mxmc.toml"),
        ),
    ];

    pub fn parse_profile(file: &str, text: &str) -> Result<Profile, ProfileError> {
        let profile: Profile = toml::from_str(text).map_err(|e| ProfileError::Parse {
            file: file.into(),
            message: e.to_string(),
        })?;
        profile.validate()?;
        Ok(profile)
    }

    /// The built-in profiles, in display order.
    pub fn builtin_profiles() -> Result<Vec<Profile>, ProfileError> {
        let profiles = FILES
            .iter()
            .map(|(file, text)| parse_profile(file, text))
            .collect::<Result<Vec<_>, _>>()?;
        let mut seen = HashSet::new();
        if let Some(dup) = profiles.iter().find(|p| !seen.insert(p.id.as_str())) {
            return Err(ProfileError::DuplicateId { id: dup.id.clone() });
        }
        Ok(profiles)
    }
}

#[cfg(feature = "builtin-profiles")]
pub use builtin::{builtin_profiles, parse_profile};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_profile_may_list_incoming_tcp_ports_to_check_from_outside() {
        let profile =
            Profile::custom_with_inbound(Some("443"), None, Some("57536,5060-5061")).unwrap();
        let inbound: Vec<String> = profile
            .requirements
            .iter()
            .filter(|r| r.direction == Direction::Inbound)
            .map(|r| format!("{} {}", r.protocol, r.ports))
            .collect();
        assert_eq!(inbound, ["TCP 5060–5061", "TCP 57536"], "in port order");
        assert_eq!(profile.summary, "TCP 443; incoming TCP 5060–5061, 57536");
        assert!(Profile::custom_with_inbound(None, None, Some("57536")).is_ok());
        assert_eq!(
            Profile::custom_with_inbound(None, None, Some("5000-5016")).unwrap_err(),
            CustomProfileError::TooManyInbound { count: 17, max: 16 }
        );
        assert!(matches!(
            Profile::custom_with_inbound(None, None, Some("x")).unwrap_err(),
            CustomProfileError::InboundPorts(_)
        ));
    }

    #[test]
    fn custom_profile_from_url_lists() {
        let profile =
            Profile::custom(Some("443,8557,9998-9999"), Some("3478,16500-65000")).unwrap();
        assert_eq!(profile.id, CUSTOM_PROFILE_ID);
        assert_eq!(profile.requirements.len(), 5);
        assert_eq!(
            profile.summary,
            "TCP 443, 8557, 9998–9999; UDP 3478, 16500–65000"
        );
        assert!(profile
            .requirements
            .iter()
            .all(|r| r.required && r.direction == Direction::Outbound));
    }

    #[test]
    fn custom_profile_errors_name_the_list() {
        let err = Profile::custom(Some("443"), Some("9-1")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the UDP port list: the range 9-1 runs backwards; write 1-9"
        );
        assert_eq!(
            Profile::custom(None, None),
            Err(CustomProfileError::NoPorts)
        );
    }

    #[cfg(feature = "builtin-profiles")]
    mod builtin {
        use super::super::*;
        use crate::browser::{testability, Untestable};

        fn profile(id: &str) -> Profile {
            builtin_profiles()
                .unwrap()
                .into_iter()
                .find(|p| p.id == id)
                .unwrap_or_else(|| panic!("no profile {id}"))
        }

        fn has(profile: &Profile, protocol: Protocol, port: u16) -> bool {
            profile
                .requirements
                .iter()
                .any(|r| r.protocol == protocol && r.ports.contains(port))
        }

        #[test]
        fn all_six_builtin_profiles_parse_and_validate() {
            let ids: Vec<String> = builtin_profiles()
                .unwrap()
                .into_iter()
                .map(|p| p.id)
                .collect();
            assert_eq!(
                ids,
                [
                    "ring",
                    "ring-alarm",
                    "ringio-webphone",
                    "ringio-sip",
                    "ringio-desktop",
                    "mobotix-mxmc"
                ]
            );
        }

        #[test]
        fn ring_is_the_union_of_three_articles() {
            let ring = profile("ring");
            let langs: Vec<&str> = ring.sources.iter().map(|s| s.lang.as_str()).collect();
            assert_eq!(langs, ["en", "de", "it"]);
            for port in [80, 443, 8557, 9998, 9999, 6970, 9002, 15063, 15064, 19302] {
                assert!(has(&ring, Protocol::Tcp, port), "TCP {port}");
            }
            assert!(has(&ring, Protocol::Udp, 16500));
            assert!(has(&ring, Protocol::Udp, 65000));
            // 9002 is only in the Italian article: the profile must say so.
            let live_view = ring
                .requirements
                .iter()
                .find(|r| r.ports.contains(9002))
                .unwrap();
            assert_eq!(live_view.sources, ["it"]);
            assert!(live_view.note.is_some());
        }

        #[test]
        fn ring_alarm_has_no_port_80() {
            let alarm = profile("ring-alarm");
            assert!(!has(&alarm, Protocol::Tcp, 80));
            assert!(has(&alarm, Protocol::Tcp, 443));
        }

        #[test]
        fn ringio_and_mobotix_match_their_tables() {
            let web = profile("ringio-webphone");
            assert!(has(&web, Protocol::Tcp, 443) && has(&web, Protocol::Udp, 10000));
            assert!(has(&web, Protocol::Udp, 20000));
            let sip = profile("ringio-sip");
            assert!(has(&sip, Protocol::Tcp, 5060) && has(&sip, Protocol::Tcp, 5066));
            assert!(sip
                .requirements
                .iter()
                .any(|r| r.protocol == Protocol::Udp && r.direction == Direction::Inbound));
            let desktop = profile("ringio-desktop");
            for port in [80, 443, 5280, 5222] {
                assert!(has(&desktop, Protocol::Tcp, port), "desktop {port}");
            }
            let mxmc = profile("mobotix-mxmc");
            for port in [80, 8080, 443, 554, 445, 57536, 19800] {
                assert!(has(&mxmc, Protocol::Tcp, port), "mxmc {port}");
            }
            let rtsp = mxmc
                .requirements
                .iter()
                .find(|r| r.ports.contains(554))
                .unwrap();
            assert!(!rtsp.required);
            assert_eq!(
                testability(rtsp.protocol, 554, rtsp.direction),
                Err(Untestable::BrowserRefusedPort)
            );
        }

        #[test]
        fn every_source_is_documented_in_the_repository() {
            let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/sources");
            let index = std::fs::read_to_string(docs.join("README.md")).unwrap();
            for profile in builtin_profiles().unwrap() {
                assert!(!profile.sources.is_empty(), "{}", profile.id);
                for source in &profile.sources {
                    let text = std::fs::read_to_string(docs.join(&source.doc))
                        .unwrap_or_else(|e| panic!("{}: {}: {e}", profile.id, source.doc));
                    assert!(
                        text.contains(&source.title),
                        "{} lacks its title",
                        source.doc
                    );
                    assert!(
                        index.contains(&format!("]({})", source.doc)),
                        "{}",
                        source.doc
                    );
                }
                for requirement in &profile.requirements {
                    assert!(
                        !requirement.sources.is_empty(),
                        "{}: {}",
                        profile.id,
                        requirement.purpose
                    );
                }
            }
        }

        #[test]
        fn media_profiles_name_a_documented_quality_standard() {
            use crate::quality::QualityStandard;
            assert_eq!(
                profile("ringio-webphone").quality,
                Some(QualityStandard::TwilioPreflight)
            );
            assert_eq!(profile("ring").quality, Some(QualityStandard::Generic));
            assert_eq!(profile("ring-alarm").quality, None);
            let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/sources");
            for standard in builtin_profiles().unwrap().iter().filter_map(|p| p.quality) {
                let name = serde_json::to_string(&standard).unwrap();
                let text = std::fs::read_to_string(docs.join(standard.source())).unwrap();
                assert!(
                    text.contains(&format!("`{}`", name.trim_matches('"'))),
                    "{name} is not in {}",
                    standard.source()
                );
            }
        }

        #[test]
        fn every_profile_text_exists_in_german_and_italian() {
            for profile in builtin_profiles().unwrap() {
                for lang in ["de", "it"] {
                    assert!(
                        profile.l10n.contains_key(lang),
                        "{} has no {lang} name",
                        profile.id
                    );
                    for r in &profile.requirements {
                        let text = r.l10n.get(lang).unwrap_or_else(|| {
                            panic!("{}: \"{}\" has no {lang} text", profile.id, r.purpose)
                        });
                        assert!(!text.purpose.is_empty() && !text.breaks.is_empty());
                        assert_eq!(
                            text.note.is_some(),
                            r.note.is_some(),
                            "{}: \"{}\" note in {lang}",
                            profile.id,
                            r.purpose
                        );
                    }
                }
            }
            let ring = profile("ring").localized("de");
            assert_eq!(ring.name, "Ring-Videotürklingeln und -Kameras");
            let media = ring
                .requirements
                .iter()
                .find(|r| r.ports.contains(16500))
                .unwrap();
            assert_eq!(
                media.breaks,
                "Live-Video verbindet sich nicht; Bewegungsbenachrichtigungen kommen weiterhin an"
            );
            assert_eq!(
                profile("ring").localized("fr"),
                profile("ring"),
                "English where no translation"
            );
        }

        #[test]
        fn broken_profile_files_give_precise_errors() {
            let err = parse_profile("x.toml", "id = 3").unwrap_err();
            assert!(matches!(err, ProfileError::Parse { .. }), "{err}");
            let text = r#"
                id = "Bad Id"
                name = "n"
                vendor = "v"
                summary = "s"
                requirements = []
            "#;
            assert_eq!(
                parse_profile("x.toml", text),
                Err(ProfileError::BadId {
                    id: "Bad Id".into()
                })
            );
            let text = r#"
                id = "x"
                name = "n"
                vendor = "v"
                summary = "s"
                [[requirements]]
                protocol = "tcp"
                ports = 443
                direction = "outbound"
                purpose = "p"
                breaks = "b"
                sources = ["fr"]
            "#;
            assert!(matches!(
                parse_profile("x.toml", text),
                Err(ProfileError::UnknownSource { .. })
            ));
        }
    }
}
