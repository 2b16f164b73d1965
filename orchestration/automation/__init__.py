"""What starts Terrain's runs without a person at the keyboard, and where every run is recorded.

``landing`` reads the landing zone's file list (new deliveries, or none at all), ``sensor`` starts a
run when deliveries arrive, ``schedule`` starts the weekly refresh on Monday, and ``instance``
keeps one Dagster instance per data root with the tag that says where each run came from.
"""
