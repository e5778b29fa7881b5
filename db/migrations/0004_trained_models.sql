CREATE TABLE "trained_models" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"version" text NOT NULL,
	"artifact" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "trained_models_name_version_idx" ON "trained_models" USING btree ("name","version");--> statement-breakpoint
CREATE INDEX "trained_models_name_idx" ON "trained_models" USING btree ("name");