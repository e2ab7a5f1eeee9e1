# The layer rule, from `nm -A -P -g' of the three archives, each line
# prefixed with its layer: "core libdfcore.a[http.o]: log_msg U". An
# object may use symbols of its own layer and of the layers below it
# (core < store < api); a use of a higher layer's symbol is printed and
# fails the build. Run by `make' (check-layers in Makefile.am).
BEGIN { rank["core"] = 0; rank["store"] = 1; rank["api"] = 2 }
{
	member = $2
	sub(/^[^[]*\[/, "", member)
	sub(/\]:$/, "", member)
	if ($4 == "U") {
		n++
		use_layer[n] = $1; use_member[n] = member; use_sym[n] = $3
	} else if ($4 != "w" && $4 != "v") {
		def_layer[$3] = $1; def_member[$3] = member
	}
}
END {
	bad = 0
	for (i = 1; i <= n; i++) {
		s = use_sym[i]
		if (!(s in def_layer) || rank[def_layer[s]] <= rank[use_layer[i]])
			continue
		if (!bad)
			print "layer rule: core < store < api; a lower layer " \
				"calls up:" > "/dev/stderr"
		printf "  %s/%s uses %s from %s/%s\n", use_layer[i],
			use_member[i], s, def_layer[s], def_member[s] > "/dev/stderr"
		bad = 1
	}
	exit bad
}
