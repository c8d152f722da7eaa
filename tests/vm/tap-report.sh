#!/bin/sh
# Read a check-mode console log of the test VM and report on it.
#
# usage: tap-report.sh LOG LABEL QEMU_STATUS SECONDS COUNTS_FILE
#
# Every TAP result line between "@@BEGIN name@@" and "@@END name rc [seconds]@@"
# counts (a test program's END gives the seconds it ran, printed as
# "name: N s"):
# "ok" passes, "ok ... # SKIP reason" skips (a skip without a reason fails),
# "not ok" fails.  A program whose plan and results disagree, or that exits
# nonzero without a failing result, adds a failure.  So does any report of
# the kernel's checkers in the dmesg section, anything in the kmemleak
# section (a debug kernel's scan after the tests), and a VM that did not
# reach "@@DONE@@" (a panic: the console log is searched for the report
# instead).  Reports are printed in full.  Writes "passed failed skipped" to
# COUNTS_FILE and exits 1 on any failure.
#
# Expected IOMMU faults: a test that makes a device DMA where its IOMMU
# does not let it writes "genode-test: expect DMAR faults begin" to
# /dev/kmsg first and "genode-test: expect DMAR faults end" after it saw
# the faults in the log.  Between the two markers, and only there, the
# Intel IOMMU's fault lines ("DMAR: [DMA Read|Write ...", "DMAR: DRHD:
# handling fault ...") are tolerated; every other report still fails.
log=$1 label=$2 qrc=$3 secs=$4 counts=$5

awk -v label="$label" -v qrc="$qrc" -v secs="$secs" -v counts="$counts" '
function fail(msg) { failed++; print "not ok - " msg }
# A report of the kernel'"'"'s checkers (not their greetings at boot).
function bad(line) {
	return line ~ /(WARNING:|BUG:|kernel BUG at|Oops|general protection fault|Call Trace|UBSAN|KASAN|KFENCE|kmemleak:|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|ODEBUG|refcount_t:|list_add corruption|list_del corruption|DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|hung_task|blocked for more than)/ &&
	    line !~ /kmemleak: (Kernel memory leak detector initialized|Automatic memory scanning thread|[0-9]+ new suspected memory leaks)/
}
# Lines FROM..TO of array A, indented, at most MAX of them.
function show(a, from, to, max,    i) {
	for (i = from; i <= to && i < from + max; i++)
		print "    " a[i]
	if (to >= from + max)
		print "    [" to - from - max + 1 " more lines in the log]"
}
function endblock(rc) {
	if (plan >= 0 && results != plan)
		fail(name ": plan of " plan " tests, " results " results")
	if (rc != 0 && blockfail == 0)
		fail(name ": exited with status " rc)
	inblock = 0
}
BEGIN {
	passed = failed = skipped = 0
	print "== " label
}
{ sub(/\r$/, "") }
/^@@BEGIN / {
	name = $2; sub(/@@$/, "", name)
	inblock = 1; plan = -1; results = 0; blockfail = 0
	next
}
/^@@END / {
	rc = $3; sub(/@@$/, "", rc)
	if (NF > 3) {
		t = $4; sub(/@@$/, "", t)
		print "  " name ": " t " s"
	}
	if (inblock)
		endblock(rc + 0)
	next
}
/^@@KMEMLEAK@@/ { inleak = 1; next }
/^@@KMEMLEAK-END@@/ { inleak = 0; next }
inleak {
	leak[++nleak] = $0
	next
}
/^@@ERRNOS@@/ { inerrnos = 1; next }
/^@@ERRNOS-END@@/ { inerrnos = 0; next }
inerrnos { next }
/^@@DMESG@@/ { indmesg = 1; next }
/^@@DMESG-END@@/ { indmesg = 0; next }
/^@@DONE@@/ { done = 1; next }
indmesg {
	dmesg[++ndmesg] = $0
	if ($0 ~ /genode-test: expect DMAR faults begin/) { dmar_expected = 1; next }
	if ($0 ~ /genode-test: expect DMAR faults end/) { dmar_expected = 0; next }
	if (dmar_expected && $0 ~ /DMAR: (\[DMA (Read|Write)|DRHD: handling fault)/) {
		dmar_tolerated++
		next
	}
	if (firstbad == 0 && bad($0))
		firstbad = ndmesg
	next
}
!inblock {
	console[++nconsole] = $0
	if (conbad == 0 && bad($0))
		conbad = nconsole
}
inblock {
	line = $0
	print "  " name ": " line
	if (line ~ /^1\.\.[0-9]+/) {
		plan = substr(line, 4) + 0
	} else if (line ~ /^not ok /) {
		results++; failed++; blockfail++
	} else if (line ~ /^ok /) {
		results++
		if (line ~ /# [Ss][Kk][Ii][Pp]/) {
			reason = line
			sub(/.*# [Ss][Kk][Ii][Pp][ \t]*/, "", reason)
			if (reason == "")
				fail(name ": a skip without a reason")
			else
				skipped++
		} else {
			passed++
		}
	}
}
END {
	if (inblock)
		endblock(1)
	if (!done) {
		fail("the VM did not finish (qemu status " qrc ", " secs " s)")
		if (conbad) {
			print "  console log, from the first report on:"
			show(console, conbad, nconsole, 400)
		} else {
			print "  console log, last lines:"
			show(console, nconsole > 60 ? nconsole - 59 : 1, nconsole, 60)
		}
	}
	if (firstbad) {
		fail("the kernel log reports a problem:")
		show(dmesg, firstbad, ndmesg, 400)
	}
	if (nleak) {
		fail("kmemleak suspects leaks:")
		show(leak, 1, nleak, 1000)
	}
	if (dmar_tolerated)
		print "  (" dmar_tolerated " DMAR fault lines expected by a test)"
	printf "-- %s: %d passed, %d failed, %d skipped (%d s)\n", label, passed, failed, skipped, secs
	print passed, failed, skipped > counts
	exit failed != 0
}' "$log"
