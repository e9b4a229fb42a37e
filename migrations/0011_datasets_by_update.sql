-- The catalogue can be browsed by last change (sort=updated), most recent first.
CREATE INDEX "datasets_updated_idx" ON "datasets" USING btree ("updated_at","id");