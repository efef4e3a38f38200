#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2025-11-29-06-00-00
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	ip_proto	agent
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	count	string
1764387000.000000	CA3	10.0.0.7	33000	198.51.100.9	22	tcp	-	-	-	-	S0	-	-	0	S	3	180	0	0	-	6	alpha
1764394200.000000	CA1	10.0.0.5	51000	93.184.216.34	443	tcp	ssl	754.000000	1200	48000	SF	T	F	0	ShADadFf	20	2000	40	50000	-	6	alpha
1764394800.000000	CA2	10.0.0.5	40000	10.0.0.53	53	udp	dns	0.025000	40	120	SF	-	-	0	Dd	1	68	1	148	-	17	alpha
1764395700.000000	CB1	192.168.1.20	60000	93.184.216.34	80	tcp	http	3.500000	300	9000	RSTO	-	-	0	ShADar	6	600	8	9500	-	6	beta
#close	2025-11-29-06-00-00
