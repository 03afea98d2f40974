package deploy

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdownTable writes outcomes to w as a Markdown table with the
// columns of [WriteTable], for a CI job's summary page.
func WriteMarkdownTable(w io.Writer, outcomes []Outcome) error {
	rows := [][]string{{"target", "old image", "new image", "revision", "result"}}
	for _, o := range outcomes {
		r := o.Result
		rev := ShortRevision(r.Revision)
		if r.NewRevision != "" && r.NewRevision != r.Revision {
			rev = orDash(rev) + " -> " + ShortRevision(r.NewRevision)
		}
		rows = append(rows, []string{o.Target, orDash(r.OldImage), orDash(r.NewImage), orDash(rev), o.statusLine()})
	}
	return writeMarkdown(w, rows)
}

// WriteStatusMarkdown writes sts to w as a Markdown table with the
// columns of [WriteStatusTable].
func WriteStatusMarkdown(w io.Writer, sts []Status) error {
	rows := [][]string{{"target", "image", "revision", "detail"}}
	for _, st := range sts {
		rows = append(rows, []string{st.Target, orDash(st.Image), orDash(ShortRevision(st.Revision)), orDash(st.Detail)})
	}
	return writeMarkdown(w, rows)
}

// writeMarkdown writes rows, the first the header, as a Markdown table,
// each cell as code, so that no name can open a link or break a row.
func writeMarkdown(w io.Writer, rows [][]string) error {
	var b strings.Builder
	for i, row := range rows {
		b.WriteString("|")
		for _, cell := range row {
			if i == 0 {
				fmt.Fprintf(&b, " %s |", cell)
			} else {
				fmt.Fprintf(&b, " %s |", markdownCode(cell))
			}
		}
		b.WriteString("\n")
		if i == 0 {
			b.WriteString(strings.Repeat("|---", len(row)) + "|\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownCode is s as an inline code span on one line of a table: line
// breaks become spaces, a pipe is escaped, and the span's backticks
// outnumber any run of them in s.
func markdownCode(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ", "|", `\|`).Replace(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + " " + s + " " + fence
}
