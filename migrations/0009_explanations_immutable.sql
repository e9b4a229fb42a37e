-- A written explanation (书面说明) is immutable once filed: the application may add, never change.
REVOKE UPDATE, DELETE, TRUNCATE ON written_explanations FROM gongxiang_app;
