// Parsers for DNS, HTTP/1.x and TLS live here (issue 2).
