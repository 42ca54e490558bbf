-- The sign-in log's per-identity index, filed by UTC day first. Keyed (tenant, identity,
-- time), each sign-in of a commit landed on a page anywhere in an index that outgrows the page
-- cache on a large log (500 MB at 10,000,000 sign-ins): every commit rewrote thousands of
-- scattered pages. Filed by day first, a commit's sign-ins (a few hours of the log) land among
-- one day's entries. Readers of one identity's sign-ins visit its days, which
-- `sp_sign_in_days` lists (store::sign_ins::sp_days).
-- `day` is the UTC day of `created` (days since the Unix epoch, rounded down also before 1970,
-- as clock::day_of_ms counts them); computed, never stored.
ALTER TABLE sign_ins ADD COLUMN day INTEGER
    GENERATED ALWAYS AS ((created - (created % 86400000 + 86400000) % 86400000) / 86400000) VIRTUAL;
DROP INDEX sign_ins_by_sp;
CREATE INDEX sign_ins_by_day_sp ON sign_ins(tenant, day, sp);
-- Migration 0003 back-filled `sp_sign_in_days` rounding toward zero, which files a sign-in made
-- before 1970 a day late; the per-identity readers now find sign-ins through that roll-up, so
-- its days up to 1970-01-01 are rebuilt from the log (every log row is rolled up exactly once).
DELETE FROM sp_sign_in_days WHERE day <= 0;
INSERT INTO sp_sign_in_days (tenant, day, sp_id, success, failure)
SELECT s.tenant, s.day, p.value, sum(s.error_code = 0), sum(s.error_code <> 0)
FROM sign_ins s JOIN strings p ON p.id = s.sp
WHERE s.tenant IN (SELECT key FROM tenants) AND s.created < 86400000
GROUP BY s.tenant, s.day, p.value;
