extension ReportDocument {
    /// The report's whole stylesheet, inlined into the page: readable on a laptop screen, and
    /// in print (no shadows, sections kept whole, charts as vectors).
    static let css = """
        :root{--fg:#1d2330;--muted:#5b6475;--line:#dfe3ea;--bg:#f5f7fa;--card:#fff;--accept:#1f64c8;--reject:#c82828;--other:#9aa3b2}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
        main{max-width:1180px;margin:0 auto;padding:24px}
        h1{margin:0 0 4px;font-size:26px}h2{margin:0 0 12px;font-size:19px;border-bottom:2px solid var(--line);padding-bottom:6px}
        h3{margin:16px 0 8px;font-size:15px;color:var(--muted)}
        header,section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:18px 20px;margin:0 0 18px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
        .range{margin:0 0 14px;color:var(--muted)}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px}
        .card{border:1px solid var(--line);border-radius:6px;padding:10px 12px;border-top:4px solid var(--other)}
        .card.accept{border-top-color:var(--accept)}.card.reject{border-top-color:var(--reject)}
        .card .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
        .card .value{font-size:20px;font-weight:600}.card .detail{font-size:12px;color:var(--muted)}
        .pill{display:inline-block;padding:1px 9px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:#8a93a3}
        .sev-critical.pill,.card.sev-critical{background:#7b1020}.card.sev-critical{background:#fff;border-top-color:#7b1020}
        .sev-high.pill{background:#c82828}.card.sev-high{border-top-color:#c82828}
        .sev-medium.pill{background:#d9822b}.card.sev-medium{border-top-color:#d9822b}
        .sev-low.pill{background:#2f7d59}.card.sev-low{border-top-color:#2f7d59}
        .sev-info.pill{background:#6b7585}
        tr.sev-critical td:first-child{border-left:4px solid #7b1020}tr.sev-high td:first-child{border-left:4px solid #c82828}
        tr.sev-medium td:first-child{border-left:4px solid #d9822b}tr.sev-low td:first-child{border-left:4px solid #2f7d59}
        table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}
        th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        th{background:#eef1f6;font-weight:600}tbody tr:nth-child(even){background:#fafbfd}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px;overflow-wrap:anywhere}
        .small{font-size:12px;color:var(--muted)}.empty{color:var(--muted);font-style:italic}
        .notes{color:#8a4b00}.formats{font-size:12px;color:var(--muted);margin:10px 0 0}
        ol.focus{padding-left:22px;margin:0}ol.focus li{margin:0 0 10px}.step{font-size:12.5px;color:var(--muted)}
        dl.evidence{display:grid;grid-template-columns:max-content 1fr;gap:1px 10px;margin:0;font-size:12px}
        dl.evidence dt{color:var(--muted)}dl.evidence dd{margin:0;word-break:break-word}
        .grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:8px 28px}
        svg{display:block;width:100%;height:auto;font-family:inherit}
        svg.chart{height:220px}svg.heat{max-width:560px}
        svg .grid{stroke:var(--line);stroke-width:1}svg .tick{stroke:var(--muted)}
        svg text{font-size:11px;fill:var(--fg)}svg .axis{fill:var(--muted)}svg .value{fill:var(--muted)}
        svg .cellv{font-size:10px}svg .cellv.light{fill:#fff}
        svg rect.accept{fill:var(--accept)}svg rect.reject{fill:var(--reject)}svg rect.other{fill:var(--other)}
        .key{display:inline-block;width:10px;height:10px;margin:0 3px 0 10px;vertical-align:middle}
        .key.accept{background:var(--accept)}.key.reject{background:var(--reject)}.key.other{background:var(--other)}
        footer{color:var(--muted);font-size:12px;text-align:center;margin:10px 0 30px}
        @media (max-width:700px){main{padding:10px}.grid2{grid-template-columns:1fr}}
        @media print{
          body{background:#fff;font-size:11px}main{max-width:none;padding:0}
          header,section{box-shadow:none;border:none;border-radius:0;padding:0;margin:0 0 14px;break-inside:auto}
          h2{break-after:avoid}h3{break-after:avoid}table,svg,.card,ol.focus li{break-inside:avoid}
          tr{break-inside:avoid}.grid2{grid-template-columns:1fr 1fr}
          *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        }
        """
}
