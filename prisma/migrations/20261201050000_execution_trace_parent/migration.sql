-- The W3C traceparent of the request that created an execution, written by the same INSERT only while
-- tracing is on (NULL otherwise), so the relay and the worker continue the create's trace. No index
-- names it, so the updates of decision record 0006 stay HOT, and adding a nullable column without a
-- default rewrites nothing.
ALTER TABLE "executions" ADD COLUMN "trace_parent" TEXT;
