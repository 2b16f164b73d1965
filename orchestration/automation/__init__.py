"""What starts Terrain's runs without a person at the keyboard, and where every run is recorded.

``landing`` reads the landing zone's file list (new deliveries, or none at all), ``sensor`` starts a
run when deliveries arrive, ``schedule`` starts the weekly refresh on Monday, both through
``refresh_request`` (the run ``terrain run`` would start, planned by ``refresh``), ``ui_refresh``
records a run of the whole main job launched from the UI as a full refresh, and ``instance``
keeps one Dagster instance per data root with the tag that says where each run came from.
"""
