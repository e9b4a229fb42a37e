ALTER TABLE "commitment_texts" ADD COLUMN "includes_security_commitment" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- The platform's default text (version 1) holds the security commitment: "严格落实数据安全管理责任…".
UPDATE "commitment_texts" SET "includes_security_commitment" = true WHERE "text" LIKE '%严格落实数据安全管理责任%';
