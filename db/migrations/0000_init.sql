CREATE TABLE "sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"actor_type" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sources_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" serial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"content_hash" text NOT NULL,
	"title" text,
	"actor" text,
	"date" text,
	"url" text,
	"language" text,
	"kind" text,
	"file_name" text,
	"format" text NOT NULL,
	"text" text NOT NULL,
	"byte_length" integer NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_content_hash_unique" UNIQUE("content_hash")
);
--> statement-breakpoint
CREATE TABLE "chunks" (
	"id" serial PRIMARY KEY NOT NULL,
	"document_id" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"start" integer NOT NULL,
	"end" integer NOT NULL,
	"text" text NOT NULL,
	"token_count" integer NOT NULL,
	CONSTRAINT "chunks_document_ordinal_uq" UNIQUE("document_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"dtype" text NOT NULL,
	"task" text NOT NULL,
	"version" text NOT NULL,
	"dimension" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "models_name_dtype_version_uq" UNIQUE("name","dtype","version")
);
--> statement-breakpoint
CREATE TABLE "embeddings" (
	"chunk_id" integer NOT NULL,
	"model_id" integer NOT NULL,
	"dimension" integer NOT NULL,
	"vector" real[] NOT NULL,
	CONSTRAINT "embeddings_pk" PRIMARY KEY("chunk_id","model_id")
);
--> statement-breakpoint
CREATE TABLE "axes" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"version" text NOT NULL,
	"pole_a" text NOT NULL,
	"pole_b" text NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "axes_slug_version_uq" UNIQUE("slug","version")
);
--> statement-breakpoint
CREATE TABLE "scorers" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"model_id" integer NOT NULL,
	"settings" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scorers_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "stance_scores" (
	"chunk_id" integer NOT NULL,
	"axis_id" integer NOT NULL,
	"scorer_id" integer NOT NULL,
	"score" real NOT NULL,
	"relevance" real NOT NULL,
	"prob_a" real NOT NULL,
	"prob_b" real NOT NULL,
	"label" text NOT NULL,
	CONSTRAINT "stance_scores_pk" PRIMARY KEY("chunk_id","axis_id","scorer_id")
);
--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "embeddings" ADD CONSTRAINT "embeddings_chunk_id_chunks_id_fk" FOREIGN KEY ("chunk_id") REFERENCES "public"."chunks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "embeddings" ADD CONSTRAINT "embeddings_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorers" ADD CONSTRAINT "scorers_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stance_scores" ADD CONSTRAINT "stance_scores_chunk_id_chunks_id_fk" FOREIGN KEY ("chunk_id") REFERENCES "public"."chunks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stance_scores" ADD CONSTRAINT "stance_scores_axis_id_axes_id_fk" FOREIGN KEY ("axis_id") REFERENCES "public"."axes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stance_scores" ADD CONSTRAINT "stance_scores_scorer_id_scorers_id_fk" FOREIGN KEY ("scorer_id") REFERENCES "public"."scorers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "documents_source_idx" ON "documents" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "documents_status_idx" ON "documents" USING btree ("status");--> statement-breakpoint
CREATE INDEX "chunks_document_idx" ON "chunks" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "stance_scores_axis_scorer_idx" ON "stance_scores" USING btree ("axis_id","scorer_id");