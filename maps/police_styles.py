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
</style>
"""
