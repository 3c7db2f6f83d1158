-- schema/012_invoice_archive.sql — every issued invoice kept once, as the Factur-X file
-- it is, and the queue of those still to render.
--
-- French law keeps invoices ten years, unchanged and readable; rendering each one on
-- every download also cost a Java VM per request. So each invoice and credit note is
-- rendered once, after it is issued (reports/archive_render.c), and the file is kept
-- here with its SHA-256: downloads serve these bytes (strong ETag), km0 invoice verify
-- re-reads them. Files live in PostgreSQL, like everything else km0 keeps: a backup or
-- a replica of the database holds them too (docs/operations.md).
--
-- Rendering happens after the issuing transaction, in a background job: the issuing
-- transaction only queues a job per invoice (the trigger below, on every INSERT into
-- invoices, so whatever issues invoices or credit notes queues them). A worker (a
-- thread of km0 serve, km0 invoice archive, km0 invoice issue) claims jobs with
-- FOR UPDATE SKIP LOCKED, renders them with the claim held, and in the same transaction
-- stores the files and deletes the jobs: a worker killed mid-way leaves the jobs
-- queued (its transaction rolls back), and the primary key of invoice_files keeps one
-- file per invoice whoever renders it.
SET LOCAL lock_timeout = '5s';

CREATE TABLE invoice_files (
    invoice_id   bigint PRIMARY KEY,
    hub_id       bigint NOT NULL,
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    size_bytes   integer NOT NULL CHECK (size_bytes > 0),
    pdf          bytea NOT NULL,
    archived_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (hub_id, invoice_id) REFERENCES invoices (hub_id, id),
    -- whoever writes a file writes its true fingerprint and size
    CONSTRAINT invoice_files_sha256 CHECK (sha256 = sha256(pdf) AND size_bytes = length(pdf))
);
-- PDFs are compressed already: TOAST would only spend time trying again
ALTER TABLE invoice_files ALTER COLUMN pdf SET STORAGE EXTERNAL;
COMMENT ON TABLE invoice_files IS 'Each issued invoice or credit note as its archived Factur-X PDF/A-3 file, once, with its SHA-256; never changed.';
COMMENT ON COLUMN invoice_files.pdf IS 'The Factur-X file as served and verified: PDF/A-3b with factur-x.xml, the CII export of the invoice, attached.';

-- Archived is archived: like the invoice itself, its file never changes or goes away.
CREATE TRIGGER invoice_files_immutable BEFORE UPDATE OR DELETE ON invoice_files
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER invoice_files_no_truncate BEFORE TRUNCATE ON invoice_files
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_immutable();

CREATE TABLE invoice_archive_jobs (
    invoice_id  bigint PRIMARY KEY,
    hub_id      bigint NOT NULL,
    cycle_id    bigint,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    attempts    integer NOT NULL DEFAULT 0,
    -- a rendering of several at once failed: try this one by itself
    alone       boolean NOT NULL DEFAULT false,
    not_before  timestamptz NOT NULL DEFAULT now(),
    -- given up after ARCHIVE_MAX_ATTEMPTS (reports/archive_worker.c); km0 invoice archive --retry
    failed      boolean NOT NULL DEFAULT false,
    last_error  text CHECK (length(last_error) <= 500),
    FOREIGN KEY (hub_id, invoice_id) REFERENCES invoices (hub_id, id)
);
CREATE INDEX invoice_archive_jobs_todo ON invoice_archive_jobs (hub_id, alone, invoice_id)
    WHERE NOT failed;
CREATE INDEX invoice_archive_jobs_cycle ON invoice_archive_jobs (hub_id, cycle_id);
COMMENT ON TABLE invoice_archive_jobs IS 'Invoices whose Factur-X file is still to be rendered (pending) or could not be (failed); a job goes when its file is stored.';

-- One statement-level trigger: an issuing run that inserts 10 000 invoices queues them
-- with one INSERT, in its own transaction (all or nothing, like the numbers), and wakes
-- the workers (LISTEN km0_archive) once it commits.
CREATE FUNCTION invoice_archive_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO invoice_archive_jobs (invoice_id, hub_id, cycle_id)
        SELECT id, hub_id, cycle_id FROM issued;
    PERFORM pg_notify('km0_archive', '');
    RETURN NULL;
END $$;
CREATE TRIGGER invoices_archive AFTER INSERT ON invoices
    REFERENCING NEW TABLE AS issued FOR EACH STATEMENT EXECUTE FUNCTION invoice_archive_enqueue();

-- The invoices issued before this release are archived by the next worker, too.
INSERT INTO invoice_archive_jobs (invoice_id, hub_id, cycle_id)
    SELECT id, hub_id, cycle_id FROM invoices;
