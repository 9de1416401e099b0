-- An alert's history (alerts.AlertEvent) is append-only: rows are added, never changed or removed, by
-- whoever writes to the database (the ORM refuses it too, this catches raw SQL, the shell and the admin).
-- TRUNCATE is not refused: it is how the test database is emptied between tests, and it is no operation
-- the service itself ever runs.

CREATE OR REPLACE FUNCTION bin_alert_event_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'alerts_alertevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS bin_alert_event_immutable ON alerts_alertevent;
CREATE TRIGGER bin_alert_event_immutable BEFORE UPDATE OR DELETE ON alerts_alertevent
    FOR EACH ROW EXECUTE FUNCTION bin_alert_event_immutable();
