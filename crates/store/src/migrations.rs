//! The schema's migrations for both backends: the same versions and names, one SQL text where the
//! two dialects agree (`migrations/portable/`), and each dialect's own where they do not (the
//! session key's byte type in 0001, the outbox's id column in 0003).

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// The migrations one backend writes in its own dialect.
pub(crate) struct Dialect {
    initial: &'static str,
    portal: &'static str,
}

pub(crate) const SQLITE: Dialect = Dialect {
    initial: include_str!("../migrations/sqlite/0001_initial.sql"),
    portal: include_str!("../migrations/sqlite/0003_portal.sql"),
};

pub(crate) const POSTGRES: Dialect = Dialect {
    initial: include_str!("../migrations/postgres/0001_initial.sql"),
    portal: include_str!("../migrations/postgres/0003_portal.sql"),
};

/// Every migration of `dialect`, in version order.
pub(crate) fn migrator(dialect: &Dialect) -> Migrator {
    let migration = |version, name: &str, sql: &'static str| {
        Migration::new(
            version,
            name.to_string().into(),
            MigrationType::Simple,
            sql.into_sql_str(),
            false,
        )
    };
    Migrator::with_migrations(vec![
        migration(1, "initial", dialect.initial),
        migration(
            2,
            "gstin aato",
            include_str!("../migrations/portable/0002_gstin_aato.sql"),
        ),
        migration(3, "portal", dialect.portal),
        migration(
            4,
            "ewaybills",
            include_str!("../migrations/portable/0004_ewaybills.sql"),
        ),
        migration(
            5,
            "admin login failures",
            include_str!("../migrations/portable/0005_admin_login_failures.sql"),
        ),
        migration(
            6,
            "deployment keys",
            include_str!("../migrations/portable/0006_deployment_keys.sql"),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first 8 bytes of each migration's checksum, in hex.
    fn checksums(dialect: &Dialect) -> Vec<String> {
        migrator(dialect)
            .iter()
            .map(|m| hex_prefix(&m.checksum))
            .collect()
    }

    fn hex_prefix(bytes: &[u8]) -> String {
        bytes[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// sqlx refuses to start on a database whose applied migration text has changed since: a
    /// migration, once released, is never edited (add a new one instead). These are the SHA-384
    /// prefixes of the texts as released.
    #[test]
    fn released_migrations_keep_their_checksums() {
        assert_eq!(
            checksums(&SQLITE),
            [
                "878130f3e0d74eb8",
                "8a16b1e8aecf5020",
                "a6ebba5320dbec9a",
                "588781c65111cb66",
                "0fa4bf8087ed923c",
                "460fecff4c052854"
            ]
        );
        assert_eq!(
            checksums(&POSTGRES),
            [
                "fe977bede6e4ad41",
                "8a16b1e8aecf5020",
                "e993b47bc0c81df8",
                "588781c65111cb66",
                "0fa4bf8087ed923c",
                "460fecff4c052854"
            ]
        );
    }
}
