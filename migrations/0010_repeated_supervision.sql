-- A request breached again after a late extension approval cleared the first breach gets a new
-- supervision notice: a level may be issued more than once, never twice at the same instant.
DROP INDEX "supervisions_level_key";--> statement-breakpoint
CREATE UNIQUE INDEX "supervisions_level_issued_key" ON "supervisions" USING btree ("request_id","level","issued_at");