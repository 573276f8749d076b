//! Who the taxpayer commands talk to and as whom: the IRP's URL and the API credentials, from a config
//! file, `OPENIRP_*` environment variables and flags (flags win, then the environment, then the file).

use anyhow::{Context as _, bail};
use clap::Args;
use openirp_client::{Credentials, NicClient};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Connection flags shared by every command that calls an IRP.
#[derive(Args, Clone, Debug, Default)]
pub struct ProfileArgs {
    /// Config file (TOML: url, client_id, client_secret, gstin, username, password, auth_public_key,
    /// signing_certificate, token_cache). Default: ~/.config/openirp/config.toml when it exists.
    #[arg(long, env = "OPENIRP_CONFIG")]
    pub config: Option<PathBuf>,
    /// Base URL of the IRP, e.g. http://127.0.0.1:8080 or NIC's sandbox.
    #[arg(long, env = "OPENIRP_URL")]
    pub url: Option<String>,
    #[arg(long, env = "OPENIRP_CLIENT_ID")]
    pub client_id: Option<String>,
    #[arg(long, env = "OPENIRP_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,
    /// The GSTIN the API user acts for.
    #[arg(long, env = "OPENIRP_GSTIN")]
    pub gstin: Option<String>,
    #[arg(long, env = "OPENIRP_USERNAME")]
    pub username: Option<String>,
    #[arg(long, env = "OPENIRP_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// The IRP's auth public key (PEM); fetched from {url}/keys/auth-public.pem when not given.
    #[arg(long, env = "OPENIRP_AUTH_PUBLIC_KEY")]
    pub auth_public_key: Option<PathBuf>,
    /// The IRP's signing certificate (PEM) for offline verification; fetched from
    /// {url}/keys/signing-cert.pem when not given.
    #[arg(long, env = "OPENIRP_SIGNING_CERT")]
    pub signing_certificate: Option<PathBuf>,
    /// Where the auth token and session key are kept between runs (mode 0600).
    #[arg(long, env = "OPENIRP_TOKEN_CACHE")]
    pub token_cache: Option<PathBuf>,
}

/// The config file's keys (all optional; flags and environment fill the rest).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    gstin: Option<String>,
    username: Option<String>,
    password: Option<String>,
    auth_public_key: Option<PathBuf>,
    signing_certificate: Option<PathBuf>,
    token_cache: Option<PathBuf>,
}

/// A resolved profile.
#[derive(Debug, Clone)]
pub struct Profile {
    pub base_url: String,
    pub credentials: Credentials,
    pub auth_public_key: Option<PathBuf>,
    pub signing_certificate: Option<PathBuf>,
    pub token_cache: PathBuf,
}

impl ProfileArgs {
    /// Only the IRP's URL (for commands that need no credentials, such as fetching a certificate).
    pub fn base_url(&self) -> anyhow::Result<String> {
        let file = self.load_file()?;
        self.url
            .clone()
            .or(file.url)
            .context("no IRP URL: give --url, OPENIRP_URL or `url` in the config file")
    }

    /// Merges flags/environment over the config file; every credential must be present.
    pub fn resolve(&self) -> anyhow::Result<Profile> {
        let file = self.load_file()?;
        let pick = |flag: &Option<String>, from_file: Option<String>, what: &str, env: &str| {
            flag.clone().or(from_file).with_context(|| {
                format!(
                    "no {what}: give --{}, {env} or `{}` in the config file",
                    what.replace('_', "-"),
                    what
                )
            })
        };
        let base_url = pick(&self.url, file.url, "url", "OPENIRP_URL")?;
        let gstin = pick(&self.gstin, file.gstin, "gstin", "OPENIRP_GSTIN")?.to_ascii_uppercase();
        let username = pick(
            &self.username,
            file.username,
            "username",
            "OPENIRP_USERNAME",
        )?;
        let credentials = Credentials {
            client_id: pick(
                &self.client_id,
                file.client_id,
                "client_id",
                "OPENIRP_CLIENT_ID",
            )?,
            client_secret: pick(
                &self.client_secret,
                file.client_secret,
                "client_secret",
                "OPENIRP_CLIENT_SECRET",
            )?,
            password: pick(
                &self.password,
                file.password,
                "password",
                "OPENIRP_PASSWORD",
            )?,
            username: username.clone(),
            gstin: gstin.clone(),
        };
        let token_cache = self
            .token_cache
            .clone()
            .or(file.token_cache)
            .unwrap_or_else(|| {
                default_dir("XDG_CACHE_HOME", ".cache")
                    .join(format!("token-{gstin}-{username}.json"))
            });
        Ok(Profile {
            base_url,
            credentials,
            auth_public_key: self.auth_public_key.clone().or(file.auth_public_key),
            signing_certificate: self
                .signing_certificate
                .clone()
                .or(file.signing_certificate),
            token_cache,
        })
    }

    fn load_file(&self) -> anyhow::Result<ConfigFile> {
        let (path, explicit) = match &self.config {
            Some(p) => (p.clone(), true),
            None => (
                default_dir("XDG_CONFIG_HOME", ".config").join("config.toml"),
                false,
            ),
        };
        if !explicit && !path.exists() {
            return Ok(ConfigFile::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the config file {}", path.display()))?;
        warn_if_readable_by_others(&path);
        toml::from_str(&text).with_context(|| format!("config file {}", path.display()))
    }
}

/// `$XDG_…/openirp`, or `~/<fallback>/openirp`.
fn default_dir(xdg: &str, fallback: &str) -> PathBuf {
    let base = std::env::var_os(xdg)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback)))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("openirp")
}

/// The config file holds the client secret and password: say so when others can read it.
fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            eprintln!(
                "warning: {} holds credentials and is readable by others; chmod 600 it",
                path.display()
            );
        }
    }
}

impl Profile {
    /// The auth public key PEM: from the file given, or fetched from the IRP.
    pub async fn auth_public_key_pem(&self) -> anyhow::Result<String> {
        match &self.auth_public_key {
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("reading the auth public key {}", path.display())),
            None => NicClient::fetch_auth_public_key(&self.base_url)
                .await
                .with_context(|| format!("fetching the auth public key from {}", self.base_url)),
        }
    }

    /// A NIC client for this profile (not yet logged in).
    pub async fn client(&self) -> anyhow::Result<NicClient> {
        let pem = self.auth_public_key_pem().await?;
        // The token and SEK outlive the process in the cache file (0600), so each command does not
        // log in again; the client renews them before expiry and on NIC 1005.
        let client = NicClient::new(&self.base_url, &pem, self.credentials.clone())
            .context("building the IRP client")?
            .with_session_file(&self.token_cache);
        Ok(client)
    }
}

/// Refuses an obviously wrong GSTIN before any network call.
pub fn check_gstin(gstin: &str) -> anyhow::Result<()> {
    if !openirp_model::gstin::has_gstin_shape(&gstin.to_ascii_uppercase()) {
        bail!("{gstin} is not a GSTIN (15 characters: 2-digit state, PAN, entity, Z, check)");
    }
    Ok(())
}

/// Runs one command's async work on a runtime of its own (the taxpayer commands are short-lived).
pub fn block_on<T>(
    work: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(work)
}
