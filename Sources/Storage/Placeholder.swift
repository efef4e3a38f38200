// Storage protocols and the in-memory backend (issue 3).
enum StoragePlaceholder {}
