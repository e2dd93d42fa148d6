-- The operator scope acts on every namespace (Bull Board, each namespace's limits), so only keys of
-- namespace default may hold it. The API and the CLI refuse such keys already, this keeps any other
-- writer from storing one. api_keys is small, so checking its rows here takes no noticeable lock time.
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_operator_in_default"
  CHECK ("namespace" = 'default' OR NOT ('operator' = ANY ("scopes")));
