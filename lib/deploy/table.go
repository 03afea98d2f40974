package deploy

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// A table's rows, the first its header: each rendering ([WriteTable],
// [WriteCompactTable], [WriteMarkdownTable] and their status twins)
// formats the same cells.

// outcomeRows are the rows of outcomes: target, old image, new image,
// revision (old -> new) and result.
func outcomeRows(outcomes []Outcome) [][]string {
	rows := [][]string{{"TARGET", "OLD IMAGE", "NEW IMAGE", "REVISION", "RESULT"}}
	for _, o := range outcomes {
		r := o.Result
		rev := ShortRevision(r.Revision)
		if r.NewRevision != "" && r.NewRevision != r.Revision {
			rev = orDash(rev) + " -> " + ShortRevision(r.NewRevision)
		}
		rows = append(rows, []string{o.Target, orDash(r.OldImage), orDash(r.NewImage), orDash(rev), o.statusLine()})
	}
	return rows
}

// statusRows are the rows of sts: target, image, revision and detail.
func statusRows(sts []Status) [][]string {
	rows := [][]string{{"TARGET", "IMAGE", "REVISION", "DETAIL"}}
	for _, st := range sts {
		rows = append(rows, []string{st.Target, orDash(st.Image), orDash(ShortRevision(st.Revision)), orDash(st.Detail)})
	}
	return rows
}

// WriteTable writes one row per outcome to w, in columns: target, old
// image, new image, revision (old -> new) and result. Images are whole,
// for programs to read.
func WriteTable(w io.Writer, outcomes []Outcome) error { return writeText(w, outcomeRows(outcomes)) }

// WriteStatusTable writes one row per status to w, in columns: target,
// image, revision and detail.
func WriteStatusTable(w io.Writer, sts []Status) error { return writeText(w, statusRows(sts)) }

// WriteCompactTable is [WriteTable] for people at a terminal: the old and
// new image share a column, each without its registry host and with its
// digest cut to 12 hex digits, and the new one shows only what changed
// (HOST/app@sha256:0123... -> HOST/app@sha256:4567... reads
// app@sha256:0123456789ab -> 4567890abcde), so a row fits a terminal.
func WriteCompactTable(w io.Writer, outcomes []Outcome) error {
	rows := outcomeRows(outcomes)
	compact := make([][]string, len(rows))
	compact[0] = []string{"TARGET", "IMAGE", "REVISION", "RESULT"}
	for i, r := range rows[1:] {
		compact[i+1] = []string{r[0], imageChange(r[1], r[2]), r[3], r[4]}
	}
	return writeText(w, compact)
}

// WriteCompactStatusTable is [WriteStatusTable] for people at a
// terminal: each image without its registry host, with its digest cut to
// 12 hex digits.
func WriteCompactStatusTable(w io.Writer, sts []Status) error {
	rows := statusRows(sts)
	for _, r := range rows[1:] {
		r[1] = ShortImage(r[1])
	}
	return writeText(w, rows)
}

// writeText writes rows as columns two spaces apart, each cell as
// [printable] shows it.
func writeText(w io.Writer, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = printable(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// shortDigestHex is how many hex digits of a digest a compact table or
// line shows, as docker does for image IDs.
const shortDigestHex = 12

// ShortDigests returns s with every sha256 digest in it (sha256:HEX,
// alone or in a reference) cut to its first 12 hex digits.
func ShortDigests(s string) string {
	const prefix = "sha256:"
	var b strings.Builder
	for {
		i := strings.Index(s, prefix)
		if i < 0 {
			return b.String() + s
		}
		hex := i + len(prefix)
		end := hex
		for end < len(s) && strings.IndexByte("0123456789abcdef", s[end]) >= 0 {
			end++
		}
		b.WriteString(s[:min(end, hex+shortDigestHex)])
		s = s[end:]
	}
}

// ShortImage returns the image reference ref (or several, NAME=REF and
// comma-separated) without its registry host and with its digest cut to
// 12 hex digits: HOST/team/app@sha256:0123... reads
// team/app@sha256:0123456789ab. The host is the first part of the path
// when it has a dot or a colon, or is localhost, as Docker tells them.
func ShortImage(ref string) string {
	parts := strings.Split(ref, ",")
	for i, p := range parts {
		name, image, named := strings.Cut(p, "=")
		if !named {
			name, image = "", p
		}
		if host, rest, ok := strings.Cut(image, "/"); ok && (strings.ContainsAny(host, ".:") || host == "localhost") {
			image = rest
		}
		if named {
			image = name + "=" + image
		}
		parts[i] = ShortDigests(image)
	}
	return strings.Join(parts, ",")
}

// imageChange is old -> new as a compact table shows it: new alone when
// old is "-" or the same; else old, then of new only its digest when it
// is old's repository at another digest.
func imageChange(old, new string) string {
	o, n := ShortImage(old), ShortImage(new)
	switch {
	case old == "-" || old == new:
		return n
	case new == "-":
		return o + " -> -"
	}
	oRepo, _, oDigest := strings.Cut(o, "@")
	nRepo, nDigest, nPinned := strings.Cut(n, "@")
	if oDigest && nPinned && oRepo == nRepo {
		return o + " -> " + strings.TrimPrefix(nDigest, "sha256:")
	}
	return o + " -> " + n
}
