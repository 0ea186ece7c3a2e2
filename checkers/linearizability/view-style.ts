/** The counterexample view's CSS, scoped under `.cx` so the view can sit inside another page. */
export const VIEW_STYLE = `
.cx{font:13px system-ui,sans-serif;color:#212529}
.cx h1{font-size:18px;margin:0 0 6px}
.cx .verdict{font-weight:600}
.cx p{max-width:980px;line-height:1.45;margin:6px 0}
.cx .argument{font-size:14px;font-weight:600;border-left:4px solid #c92a2a;padding:4px 10px;background:#fff5f5}
.cx ol.keyops{margin:6px 0;padding-left:0;list-style:none}
.cx ol.keyops li{margin:2px 0}
.cx .mark{display:inline-block;min-width:16px;height:16px;line-height:16px;border-radius:8px;text-align:center;font-size:11px;font-weight:700;color:#fff;background:#495057;margin-right:4px;padding:0 3px;box-sizing:border-box}
.cx .mark.stuck{background:#c92a2a}.cx .mark.after{background:#1864ab}.cx .mark.writer{background:#5f3dc4}.cx .mark.last{background:#2b8a3e}
.cx .tools{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:8px 0 4px}
.cx button{font:12px system-ui,sans-serif;padding:2px 8px;border:1px solid #adb5bd;border-radius:4px;background:#f8f9fa;cursor:pointer}
.cx button:hover{background:#e9ecef}
.cx .sep{width:12px}
.cx .range{color:#495057;font-variant-numeric:tabular-nums}
.cx .step{flex-basis:100%;min-height:18px;padding:4px 8px;background:#f1f3f5;border-radius:4px;font-variant-numeric:tabular-nums}
.cx .chart{display:flex;border:1px solid #ced4da;user-select:none}
.cx .names{flex:none;width:92px;border-right:1px solid #ced4da;background:#f8f9fa}
.cx .names div{height:22px;line-height:22px;padding:0 6px;color:#495057;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.cx .names .axisname{height:24px;line-height:24px;font-size:11px}
.cx .plot{position:relative;flex:1;overflow:hidden;cursor:grab}
.cx .axis,.cx .lane,.cx .row{position:relative;height:22px}
.cx .axis{height:24px;border-bottom:1px solid #ced4da;background:#fff}
.cx .tick{position:absolute;top:0;bottom:0;border-left:1px solid #dee2e6;font-size:11px;color:#495057;padding:5px 0 0 3px;white-space:nowrap}
.cx .lane{background:#f8f9fa;border-bottom:1px solid #e9ecef}
.cx .row:nth-child(even){background:#f8f9fa}
.cx .fault{position:absolute;top:2px;bottom:2px;border-radius:3px;font-size:11px;line-height:18px;padding:0 4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;box-sizing:border-box;background:#a5d8ff}
.cx .fault.uncertain{opacity:.55;border:1px dashed #495057}
.cx .op{position:absolute;top:2px;height:18px;line-height:16px;font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;box-sizing:border-box;padding:0 3px;border-radius:3px;background:#dee2e6;border:1px solid #adb5bd;min-width:2px}
.cx .op.open{border-style:dashed;border-right:none;border-radius:3px 0 0 3px}
.cx .op.lin{background:#b2f2bb;border-color:#2b8a3e}
.cx .op.later{background:#ebfbee;border-color:#8ce99a}
.cx .op.cur{outline:2px solid #212529;z-index:4}
.cx .op.deadend{background:#ffec99;border-color:#e67700}
.cx .op.key{min-width:20px;z-index:5;font-weight:600}
.cx .op.stuck{background:#ffc9c9;border:2px solid #c92a2a;z-index:6}
.cx .op.after{border:2px solid #1864ab;z-index:5}
.cx .op.writer{border:2px solid #5f3dc4;z-index:5}
.cx .op .mark{height:14px;line-height:14px;min-width:14px;font-size:10px;margin-right:3px}
.cx .row.tall,.cx .names div.tall{height:42px}
.cx .keynote{position:absolute;top:22px;height:18px;line-height:18px;font-size:11px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;color:#212529;width:auto!important}
.cx .callout{position:absolute;top:2px;height:18px;line-height:18px;font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;color:#495057;pointer-events:none}
.cx .callout.keyword{color:#212529;font-weight:600}
.cx .legend span{display:inline-block;padding:0 6px;margin:0 6px 2px 0;border-radius:3px;font-size:11px;line-height:18px}
.cx .note{color:#495057;font-size:12px}
`
