// SQLite backend through GRDB (issue 3).
enum StorageSQLitePlaceholder {}
