//! `doorway install`: puts this binary (with the app compiled in) and a
//! sandboxed systemd unit in their fixed places under a root (`/` on the
//! host, a temporary folder in tests):
//!
//! | what | where |
//! | --- | --- |
//! | the binary | `/usr/local/bin/doorway` |
//! | the built app, only when `--dist` names one | `/usr/local/share/doorway/dist` |
//! | the unit | `/etc/systemd/system/doorway.service` |
//! | shared results, coturn's state | `/var/lib/doorway` (systemd's `StateDirectory`) |
//!
//! The service runs as its own user (`DynamicUser`), may bind ports below
//! 1024 and nothing more (`CAP_NET_BIND_SERVICE` only), sees the file
//! system read-only except its state directory, and gets its certificate
//! files as systemd credentials (`LoadCredential`).

use std::path::{Path, PathBuf};

pub const BIN: &str = "usr/local/bin/doorway";
pub const DIST: &str = "usr/local/share/doorway/dist";
pub const UNIT: &str = "etc/systemd/system/doorway.service";
pub const DATA: &str = "var/lib/doorway";

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no built app at {0} (build it with `cargo xtask serve`)")]
    NoApp(PathBuf),
    #[error(
        "this binary was built without the app: build it with `cargo xtask serve`, or pass --dist"
    )]
    NoEmbeddedApp,
}

/// The unit for a worker started with `flags` (already checked by the
/// caller); the paths above are added first, the app's folder only when
/// `with_dist` (else the binary serves the app compiled into it).
pub fn unit_file(flags: &[String], with_dist: bool) -> String {
    // Certificate files reach the service as systemd credentials: the
    // service's own user cannot read a key only root may read, so systemd
    // hands it a copy (`%d` is the credentials' folder).
    let mut credentials = String::new();
    let dist = [String::from("--dist"), format!("/{DIST}")];
    let mut args = std::iter::once(format!("/{BIN}"))
        .chain(dist.into_iter().filter(|_| with_dist))
        .chain(["--data-dir".into(), format!("/{DATA}")])
        .map(|arg| systemd_quote(&arg))
        .collect::<Vec<_>>();
    let mut rest = flags.iter();
    while let Some(flag) = rest.next() {
        let credential = CREDENTIAL_FLAGS.iter().find_map(|(name, id)| {
            if flag == name {
                Some((*name, *id, rest.next().cloned()))
            } else {
                flag.strip_prefix(&format!("{name}="))
                    .map(|path| (*name, *id, Some(path.to_owned())))
            }
        });
        match credential {
            Some((name, id, Some(path))) => {
                credentials.push_str(&format!("LoadCredential={id}:{path}\n"));
                args.push(name.to_owned());
                args.push(format!("%d/{id}"));
            }
            Some((name, _, None)) => args.push(name.to_owned()),
            None => args.push(systemd_quote(flag)),
        }
    }
    let exec = args.join(" ");
    format!(
        "# Written by `doorway install`. The relay needs coturn's turnserver on the
# PATH (Debian: apt install coturn); without it the worker runs without a relay.
[Unit]
Description=Doorway network readiness checker
After=network-online.target
Wants=network-online.target

[Service]
ExecStart={exec}
{credentials}Restart=on-failure
DynamicUser=yes
StateDirectory=doorway
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
# Every connection is a file: room for many at once.
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
"
    )
}

/// Flags naming files the service reads as credentials, and their ids.
const CREDENTIAL_FLAGS: &[(&str, &str)] = &[("--tls-cert", "tls-cert"), ("--tls-key", "tls-key")];

/// One argument of `ExecStart=`: quoted when it has to be, with systemd's
/// specifiers (`%`) and variables (`$`) taken literally.
fn systemd_quote(arg: &str) -> String {
    let literal = arg.replace('%', "%%").replace('$', "$$");
    let plain = !literal.is_empty()
        && literal
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=,@+%$".contains(&b));
    if plain {
        literal
    } else {
        format!("\"{}\"", literal.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Installs `exe` (this binary) and, when given, `dist` under `root` and
/// writes the unit. Without `dist` the binary must carry the app itself.
/// Returns what it wrote.
pub fn install(
    root: &Path,
    exe: &Path,
    dist: Option<&Path>,
    flags: &[String],
) -> Result<Vec<PathBuf>, InstallError> {
    match dist {
        Some(dist) if !dist.join("index.html").is_file() => {
            return Err(InstallError::NoApp(dist.to_owned()))
        }
        None if crate::app_files::AppFiles::embedded().is_none() => {
            return Err(InstallError::NoEmbeddedApp)
        }
        _ => {}
    }
    let bin = root.join(BIN);
    let unit = root.join(UNIT);
    let app = root.join(DIST);
    for folder in [&bin, &unit] {
        if let Some(parent) = folder.parent() {
            std::fs::create_dir_all(parent).map_err(io_error("creating", parent))?;
        }
    }
    // Copied beside, then renamed: a running service keeps its old file.
    let fresh = bin.with_extension("new");
    std::fs::copy(exe, &fresh).map_err(io_error("copying the binary to", &fresh))?;
    std::fs::rename(&fresh, &bin).map_err(io_error("moving the binary to", &bin))?;
    // An app copied by an earlier install goes: the unit would not use it.
    if app.exists() {
        std::fs::remove_dir_all(&app).map_err(io_error("replacing", &app))?;
    }
    let mut written = vec![bin];
    if let Some(dist) = dist {
        copy_tree(dist, &app)?;
        written.push(app);
    }
    std::fs::write(&unit, unit_file(flags, dist.is_some())).map_err(io_error("writing", &unit))?;
    written.push(unit);
    Ok(written)
}

/// What failed, and on which path, for `map_err`.
fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> InstallError {
    let path = path.to_owned();
    move |source| InstallError::Io {
        action,
        path,
        source,
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), InstallError> {
    std::fs::create_dir_all(to).map_err(io_error("creating", to))?;
    for entry in std::fs::read_dir(from).map_err(io_error("reading", from))? {
        let entry = entry.map_err(io_error("reading", from))?;
        let target = to.join(entry.file_name());
        if entry
            .file_type()
            .map_err(io_error("reading", &entry.path()))?
            .is_dir()
        {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(io_error("copying", &target))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_starts_the_worker_with_fixed_places_and_the_given_flags() {
        let flags = [
            "--listen".into(),
            "203.0.113.10".into(),
            "--public-host".into(),
            "check.example.com".into(),
        ];
        // The app compiled in: no folder for it.
        let unit = unit_file(&flags, false);
        assert!(
            unit.contains(
                "ExecStart=/usr/local/bin/doorway \
             --data-dir /var/lib/doorway --listen 203.0.113.10 --public-host check.example.com\n"
            ),
            "{unit}"
        );
        let with_folder = unit_file(&flags, true);
        assert!(
            with_folder.contains(
                "ExecStart=/usr/local/bin/doorway --dist /usr/local/share/doorway/dist \
             --data-dir /var/lib/doorway --listen"
            ),
            "{with_folder}"
        );
        for line in [
            "DynamicUser=yes",
            "StateDirectory=doorway",
            "AmbientCapabilities=CAP_NET_BIND_SERVICE",
            "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
        ] {
            assert!(unit.contains(&format!("\n{line}\n")), "{line}");
        }
    }

    #[test]
    fn certificate_files_become_credentials() {
        let unit = unit_file(
            &[
                "--tls-cert".into(),
                "/etc/doorway/fullchain.pem".into(),
                "--tls-key=/etc/doorway/privkey.pem".into(),
            ],
            false,
        );
        assert!(
            unit.contains("\nLoadCredential=tls-cert:/etc/doorway/fullchain.pem\n"),
            "{unit}"
        );
        assert!(
            unit.contains("\nLoadCredential=tls-key:/etc/doorway/privkey.pem\n"),
            "{unit}"
        );
        assert!(
            unit.contains(
                "--data-dir /var/lib/doorway --tls-cert %d/tls-cert --tls-key %d/tls-key\n"
            ),
            "{unit}"
        );
    }

    #[test]
    fn an_app_folder_given_is_copied_and_named_in_the_unit() {
        let scratch = std::env::temp_dir().join(format!("doorway-install-{}", std::process::id()));
        let (dist, root, exe) = (
            scratch.join("dist"),
            scratch.join("root"),
            scratch.join("exe"),
        );
        std::fs::create_dir_all(dist.join("viewer")).unwrap();
        std::fs::write(dist.join("index.html"), "checker").unwrap();
        std::fs::write(dist.join("viewer/index.html"), "viewer").unwrap();
        std::fs::write(&exe, "binary").unwrap();
        let written = install(&root, &exe, Some(&dist), &[]);
        let viewer = std::fs::read_to_string(root.join(DIST).join("viewer/index.html"));
        let unit = std::fs::read_to_string(root.join(UNIT));
        let empty = install(&root, &exe, Some(&scratch.join("nothing")), &[]);
        std::fs::remove_dir_all(&scratch).unwrap();

        assert_eq!(written.unwrap().len(), 3);
        assert_eq!(viewer.unwrap(), "viewer");
        assert!(unit
            .unwrap()
            .contains(" --dist /usr/local/share/doorway/dist "));
        assert!(matches!(empty, Err(InstallError::NoApp(_))), "{empty:?}");
    }

    #[test]
    fn odd_arguments_stay_one_literal_argument() {
        assert_eq!(systemd_quote("https://a.example"), "https://a.example");
        assert_eq!(systemd_quote("a b"), "\"a b\"");
        assert_eq!(systemd_quote("100%"), "100%%");
        assert_eq!(systemd_quote("$HOME"), "$$HOME");
        assert_eq!(systemd_quote("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(systemd_quote(""), "\"\"");
    }
}
