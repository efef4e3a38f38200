// Zeek TSV and JSON log writers (issue 2).
