CREATE TABLE "eval_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"set_hash" text NOT NULL,
	"set_file" text NOT NULL,
	"split" text NOT NULL,
	"scorer" text NOT NULL,
	"models" jsonb NOT NULL,
	"axis_versions" jsonb NOT NULL,
	"profile" text,
	"settings" jsonb NOT NULL,
	"n_items" integer NOT NULL,
	"metrics" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "threshold_profiles" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"scorer" text NOT NULL,
	"axes" jsonb NOT NULL,
	"axis_versions" jsonb NOT NULL,
	"models" jsonb NOT NULL,
	"set_hash" text NOT NULL,
	"set_file" text NOT NULL,
	"fit" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "threshold_profiles_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE INDEX "eval_runs_created_at_idx" ON "eval_runs" USING btree ("created_at");