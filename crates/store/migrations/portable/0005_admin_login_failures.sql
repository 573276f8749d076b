-- Wrong administrator passwords per login name (known or not), in the database so that every node
-- sees the same count and the same pause: an attacker spread over N nodes gets no N-fold attempts.
CREATE TABLE admin_login_failures (
    username        TEXT   NOT NULL PRIMARY KEY,
    -- Wrong passwords in a row since the last pause or right password.
    failures        BIGINT NOT NULL,
    -- Login for the name is paused until then (epoch seconds); NULL before the first pause.
    locked_until    BIGINT,
    last_failed_at  BIGINT NOT NULL
);
