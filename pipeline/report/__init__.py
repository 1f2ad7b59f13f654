"""Dataset -> a typed report model -> HTML, Markdown, XLSX, CSV, charts, page images."""
