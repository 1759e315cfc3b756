#!/bin/sh
# `make content-report`: one table of topics x languages x reviewed dates x
# links for the practice's reviewer, read from the front matter of
# CONTENT_DIR (default content/; English at the top, one folder per other
# language).  A note flags a missing translation, a translation reviewed
# before its English file, a link that is not https://, and a reviewed
# date more than MAX_AGE days (default 180) before TODAY (default: the
# current UTC date, YYYY-MM-DD).  Informational: exits 0 whatever it finds.
set -eu
dir=${CONTENT_DIR:-content}
max_age=${MAX_AGE:-180}
today=${TODAY:-$(date -u +%Y-%m-%d)}
[ -d "$dir" ] || { echo "$dir: not a folder" >&2; exit 2; }

# One line per file: lang<TAB>command<TAB>reviewed<TAB>link
front() {	# LANG FILE
	awk -v lang="$1" '
		NR == 1 && $0 != "---" { exit }
		NR > 1 && $0 == "---" { done = 1; exit }
		NR > 1 {
			k = $0; sub(/:.*/, "", k); gsub(/[ \t]/, "", k)
			v = $0; sub(/^[^:]*:[ \t]*/, "", v); sub(/[ \t\r]*$/, "", v)
			f[k] = v
		}
		END {
			if (done && f["command"] != "")
				printf "%s\t%s\t%s\t%s\n", lang, tolower(f["command"]),
				    f["reviewed"] == "" ? "-" : f["reviewed"],
				    f["link"] == "" ? "-" : f["link"]
		}' "$2"
}

{
	for f in "$dir"/*.md; do [ -f "$f" ] && front en "$f"; done
	for d in "$dir"/*/; do
		[ -d "$d" ] || continue
		l=$(basename "$d")
		for f in "$d"*.md; do [ -f "$f" ] && front "$l" "$f"; done
	done
} | awk -F '\t' -v today="$today" -v max="$max_age" '
	function days(s,   y, m, d, a) {	# days since 0000-03-01, civil
		y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0
		d = substr(s, 9, 2) + 0
		if (m <= 2) { y--; m += 12 }
		return 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + \
		    int((153 * (m - 3) + 2) / 5) + d
	}
	{
		if (!($2 in seen)) { seen[$2] = 1; cmds[++n] = $2 }
		if (!($1 in hasl)) { hasl[$1] = 1; if ($1 != "en") langs[++nl] = $1 }
		rev[$2, $1] = $3; link[$2, $1] = $4
	}
	END {
		# Commands sorted, English first, then the other languages sorted.
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && cmds[j - 1] > cmds[j]; j--) {
				t = cmds[j]; cmds[j] = cmds[j - 1]; cmds[j - 1] = t
			}
		for (i = 2; i <= nl; i++)
			for (j = i; j > 1 && langs[j - 1] > langs[j]; j--) {
				t = langs[j]; langs[j] = langs[j - 1]; langs[j - 1] = t
			}
		all[1] = "en"; for (i = 1; i <= nl; i++) all[i + 1] = langs[i]
		na = nl + 1
		printf "| topic |"
		for (i = 1; i <= na; i++) printf " %s reviewed | %s link |", all[i], all[i]
		printf " notes |\n|---|"
		for (i = 1; i <= na; i++) printf "---|---|"
		printf "---|\n"
		for (c = 1; c <= n; c++) {
			cmd = cmds[c]; notes = ""
			printf "| %s |", cmd
			for (i = 1; i <= na; i++) {
				l = all[i]
				if (!((cmd, l) in rev)) {
					printf " - | - |"
					notes = notes (notes ? "; " : "") l ": missing"
					continue
				}
				r = rev[cmd, l]; k = link[cmd, l]
				printf " %s | %s |", r, k
				if (k !~ /^https:\/\//)
					notes = notes (notes ? "; " : "") l ": link not https"
				if (r == "-")
					notes = notes (notes ? "; " : "") l ": no reviewed date"
				else if (days(today) - days(r) > max)
					notes = notes (notes ? "; " : "") l ": reviewed over " max " days ago"
				if (l != "en" && r != "-" && ((cmd, "en") in rev) &&
				    rev[cmd, "en"] != "-" && r < rev[cmd, "en"])
					notes = notes (notes ? "; " : "") l ": older than en"
			}
			printf " %s |\n", notes
		}
	}'
