DROP INDEX "datasets_search_idx";--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (array_to_tsvector(search_lexemes)) STORED;--> statement-breakpoint
CREATE INDEX "datasets_search_vector_idx" ON "datasets" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "datasets_filters_idx" ON "datasets" USING btree ("sharing_type","aggregated","name","id");