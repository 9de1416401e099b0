"""The styles of the police alert map's own panel (maps/police_elements.py AlertComposer)."""

__all__ = ["COMPOSER_CSS"]

COMPOSER_CSS = """
<style>
  .bin-alert-panel { width: 22rem; max-width: 80vw; max-height: calc(100vh - 2rem); overflow-y: auto;
                     font: 13px/1.4 system-ui, sans-serif; color: #1d2a36; }
  .leaflet-control .bin-alert-panel { max-height: 60vh; }
  .bin-alert-panel h2 { font-size: 1.05rem; margin: 0 0 .3rem; }
  .bin-alert-hint { margin: 0 0 .4rem; color: #5b6770; }
  .bin-alert-field { display: block; margin-top: .45rem; font-weight: 600; }
  .bin-alert-field select, .bin-alert-field textarea { display: block; width: 100%; box-sizing: border-box;
                     font: 14px system-ui, sans-serif; padding: 3px 4px; margin-top: 2px; font-weight: 400; }
  .bin-alert-sms { font-size: 12px; color: #5b6770; min-height: 1em; }
  .bin-alert-sms[data-segments]:not([data-segments="1"]) { color: #b35c00; }
  .bin-alert-preview { margin-top: .6rem; padding-top: .4rem; border-top: 1px solid #d5dbe1; }
  .bin-alert-preview[data-state="loading"] { opacity: .6; }
  .bin-alert-total { font-size: 1.1rem; font-weight: 700; margin: .2rem 0; }
  .bin-alert-preview table { border-collapse: collapse; width: 100%; margin-top: .3rem; }
  .bin-alert-preview th, .bin-alert-preview td { text-align: left; padding: 1px 4px;
                                                  border-bottom: 1px solid #eef1f4; }
  .bin-alert-preview td.n, .bin-alert-preview th.n { text-align: right; }
  .bin-alert-warnings { margin: .4rem 0 0; padding: .3rem .5rem .3rem 1.4rem; background: #fff4d6;
                        border-left: 4px solid #d9a400; }
  .bin-alert-warnings:empty { display: none; }
  .bin-alert-errors { color: #b03a2e; }
  .bin-alert-send { margin-top: .6rem; width: 100%; font-size: 15px; padding: 6px; font-weight: 700;
                    background: #c0392b; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  .bin-alert-send:disabled { background: #c9ced3; color: #5b6770; cursor: not-allowed; }
  .bin-alert-panel button:focus-visible, .bin-alert-dialog button:focus-visible,
  .bin-alert-panel input:focus-visible, .bin-alert-panel select:focus-visible,
  .bin-alert-panel textarea:focus-visible { outline: 3px solid #d9a400; outline-offset: 1px; }
  .bin-alert-place { border: 1px solid #d5dbe1; border-radius: 6px; margin: .4rem 0;
                     padding: .2rem .6rem .5rem; }
  .bin-alert-place legend { font-weight: 700; padding: 0 .3rem; }
  .bin-alert-place input { font: 14px system-ui, sans-serif; padding: 3px 4px; box-sizing: border-box; }
  .bin-alert-place .bin-alert-field input { display: block; width: 100%; margin-top: 2px; font-weight: 400; }
  .bin-alert-inline { display: flex; gap: 4px; margin-top: 2px; }
  .bin-alert-inline input { flex: 1 1 auto; min-width: 0; }
  .bin-alert-find, .bin-alert-replace, .bin-alert-choice, .bin-alert-back {
    font: 13px system-ui, sans-serif; padding: 3px 8px; }
  .bin-alert-choices { list-style: none; margin: .2rem 0 0; padding: 0; }
  .bin-alert-choices li { margin: 2px 0; }
  .bin-alert-choices:empty { display: none; }
  .bin-alert-ucs { font-size: 12px; color: #8a4500; background: #fff4d6; padding: 3px 6px; margin-top: 2px; }
  .bin-alert-ucs[hidden], .bin-alert-replace[hidden] { display: none; }
  .bin-alert-dialog { width: min(44rem, calc(100vw - 2rem)); max-height: calc(100vh - 2rem);
                      box-sizing: border-box;
                      border: 0; border-radius: 8px; padding: 1rem 1.2rem; color: #1d2a36;
                      font: 14px/1.45 system-ui, sans-serif; box-shadow: 0 4px 24px rgba(0,0,0,.35); }
  .bin-alert-dialog::backdrop { background: rgba(20, 30, 40, .55); }
  .bin-alert-dialog h2 { margin: 0 0 .4rem; font-size: 1.2rem; }
  .bin-alert-dialog h2:focus { outline: none; }
  .bin-alert-dialog h3 { margin: .8rem 0 .3rem; font-size: 1rem; }
  .bin-alert-dialog pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f7f9;
                          font: 13px/1.4 ui-monospace, monospace; padding: .4rem .6rem; margin: .2rem 0 .5rem;
                          border-radius: 4px; }
  .bin-alert-dialog summary { cursor: pointer; font-weight: 600; padding: .2rem 0; }
  .bin-alert-dialog ul { margin: .2rem 0; padding-left: 1.3rem; }
  .bin-alert-scroll { overflow-x: auto; }
  .bin-alert-table { border-collapse: collapse; width: 100%; }
  .bin-alert-table th, .bin-alert-table td { text-align: left; padding: 1px 6px;
                                              border-bottom: 1px solid #eef1f4; }
  .bin-alert-table .n { text-align: right; }
  .bin-alert-actions { display: flex; flex-wrap: wrap; gap: .6rem; justify-content: flex-end;
                       margin-top: .8rem; }
  .bin-alert-actions .bin-alert-send { width: auto; margin-top: 0; padding: 6px 16px; }
  .bin-map-legend-fold summary { cursor: pointer; font-weight: 700; }
  .bin-map-legend-aside { font: 13px/1.4 system-ui, sans-serif; }
</style>
"""
