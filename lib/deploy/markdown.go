package deploy

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdownTable writes outcomes to w as a Markdown table with the
// columns of [WriteTable], for a CI job's summary page.
func WriteMarkdownTable(w io.Writer, outcomes []Outcome) error {
	return writeMarkdown(w, outcomeRows(outcomes))
}

// WriteStatusMarkdown writes sts to w as a Markdown table with the
// columns of [WriteStatusTable].
func WriteStatusMarkdown(w io.Writer, sts []Status) error {
	return writeMarkdown(w, statusRows(sts))
}

// writeMarkdown writes rows, the first the header, as a Markdown table,
// each cell as code, so that no name can open a link or break a row.
func writeMarkdown(w io.Writer, rows [][]string) error {
	var b strings.Builder
	for i, row := range rows {
		b.WriteString("|")
		for _, cell := range row {
			if i == 0 {
				fmt.Fprintf(&b, " %s |", strings.ToLower(cell))
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
