#!/usr/bin/perl
# Lists the sentences written in C: string literals (adjacent ones joined)
# with three or more words of letters, once format directives (%s, %lld)
# and {placeholders} are taken out.  What the bot says to people belongs
# in content/<lang>/messages.ini (STYLE.md, "Words are data"), so
# tests/e2e/words.sh fails when this prints anything for src/.
#
# The allow-list: text that is never said to a person in a chat.
#  - store.c: SQL statements.
#  - the catalogue's own table of keys and placeholders (catalog.c).
#  - arguments of the calls below: logs, --check and command-line output,
#    metrics, and the reasons the network layers give for a failure
#    (logged, audited, shown to admins after a catalogue sentence).
#  - reasons written into a why/err/reason buffer or pointer.
#  - the exact texts in %allow below, each with its reason.
# Words all in capitals (NUMBER, WORDS) are the placeholders of usage
# lines and do not count.
# Usage: sentences.pl FILE.c...; prints FILE:LINE: TEXT for each sentence.
use strict;
use warnings;

my %skip_file = map { $_ => 1 } qw(store.c);
my %allow = (
	# A failure reason handed to consult's callback, then logged.
	'bot.c:IRC connection lost' => 1,
	# A TLS failure reason, logged by the caller.
	'irc-conn.c:TLS certificate verification failed: %s' => 1,
	# --test-notify: the operator's own test post from the command line.
	'notify.c:intakebot: test message from %s' => 1,
	# The HMAC domain of a form's state: hashed, never shown.
	'hook.c:intakebot form state' => 1,
	# A compile-time assertion's message.
	'hook.c:platform forms follow the intake\'s fields' => 1,
);
my $diag_calls = qr/^(?:log_\w+|fatalx?|diag_add|content_err|catalog_problem
	|fprintf|printf|fputs|puts|metrics_\w+|hook_refuse|http_error
	|irc_conn_fail|irc_cap_finish|irc_drop)$/x;
my $why = qr/^\s*&?\s*(?:\w+->)?(?:why|err|errbuf|reason)\b/;

# The innermost call the literal at the end of $s is an argument of, and
# that call's first argument.
sub enclosing {
	my ($s) = @_;
	my @stack;
	while ($s =~ /(\w*)\s*(\()|(\))/g) {
		if (defined $2) {
			push @stack, [$1, pos($s)];
		} else {
			pop @stack;
		}
	}
	return ('', '') unless @stack;
	my ($name, $at) = @{$stack[-1]};
	return ($name, substr($s, $at));
}

for my $f (@ARGV) {
	my $base = $f;
	$base =~ s{.*/}{};
	next if $skip_file{$base};
	open(my $fh, '<', $f) or die "$f: $!\n";
	my $src = do { local $/; <$fh> };
	close $fh;
	# Comments and character constants out, newlines kept.
	$src =~ s{/\*.*?\*/}{ (my $c = $&) =~ s/[^\n]/ /g; $c }gse;
	$src =~ s{//[^\n]*}{ ' ' x length($&) }ge;
	$src =~ s{'(?:\\.|[^'\\])'}{'x'}g;
	while ($src =~ /("(?:\\.|[^"\\\n])*"(?:\s*"(?:\\.|[^"\\\n])*")*)/g) {
		my ($lit, $end) = ($1, pos($src));
		my $start = $end - length($lit);
		my $line = 1 + (substr($src, 0, $start) =~ tr/\n//);
		my $text = join '', $lit =~ /"((?:\\.|[^"\\\n])*)"/g;
		(my $words = $text) =~
		    s/%[-+ #0-9.*]*(?:hh|h|ll|l|z|j|t)?[a-zA-Z%]//g;
		$words =~ s/\{[a-z_]+\}//g;
		$words =~ s/\\[nrt]/ /g;
		my @w = grep { /^\(?[A-Za-z][A-Za-z'\x80-\xff-]*[.,:;!?)]*$/ &&
			    !/^[A-Z]+[.,:;!?)]*$/ } split /\s+/, $words;
		next if @w < 3;
		# The statement around the literal.
		my $before = substr($src, 0, $start);
		$before =~ s/.*[;{}]//s;
		next if $before =~ /^\s*#/;
		next if $base eq 'catalog.c' && $before =~ /^\s*\{?\s*"[a-z]+\.\w+",\s*$/;
		my ($call, $first) = enclosing($before);
		next if $call =~ $diag_calls;
		next if $call =~ /^(?:v?snprintf|xasprintf)$/ && $first =~ $why;
		next if $allow{"$base:$text"};
		next if $before =~ /(?:^|[\s*>])(?:why|err|reason)\s*=\s*(?:[^=].*)?$/s;
		print "$f:$line: $text\n";
	}
}
