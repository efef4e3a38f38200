#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	dns
#open	2025-11-29-06-00-00
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	trans_id	rtt	query	qclass	qclass_name	qtype	qtype_name	rcode	rcode_name	AA	TC	RD	RA	Z	answers	TTLs	rejected	opcode	opcode_name	agent
#types	time	string	addr	port	addr	port	enum	count	interval	string	count	string	count	string	count	string	bool	bool	bool	bool	count	vector[string]	vector[interval]	bool	count	string	string
1764394800.000000	CA2	10.0.0.5	40000	10.0.0.53	53	udp	4660	0.025000	www.example.com	1	C_INTERNET	1	A	0	NOERROR	F	F	T	T	0	93.184.216.34	300.000000	F	-	-	alpha
1764395640.000000	CB2	192.168.1.20	5353	192.168.1.1	53	udp	1	0.001000	Mail.Example.COM	1	C_INTERNET	15	MX	0	NOERROR	F	F	F	F	0	mx1.example.com	60.000000	F	-	-	beta
#close	2025-11-29-06-00-00
