#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	http
#open	2025-11-29-06-00-00
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	trans_depth	method	host	uri	referrer	version	user_agent	origin	request_body_len	response_body_len	status_code	status_msg	info_code	info_msg	tags	username	password	proxied	orig_fuids	orig_filenames	orig_mime_types	resp_fuids	resp_filenames	resp_mime_types	uri_raw	agent
#types	time	string	addr	port	addr	port	count	string	string	string	string	string	string	string	count	count	count	string	count	string	set[enum]	string	string	set[string]	vector[string]	vector[string]	vector[string]	vector[string]	vector[string]	vector[string]	string	string
1764395400.000000	CA5	10.0.0.5	52000	203.0.113.80	80	1	GET	update.example.net	/wp-login.php?x=1	-	1.1	curl/8.0	-	0	512	200	OK	-	-	(empty)	-	-	-	-	-	-	-	-	-	-	alpha
#close	2025-11-29-06-00-00
