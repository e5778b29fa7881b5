ALTER TABLE "scorers" ALTER COLUMN "model_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "stance_scores" ADD COLUMN "details" jsonb;