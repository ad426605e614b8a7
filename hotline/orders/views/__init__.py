"""The order screens, one module per screen: lists, the order page, its handling panels, the
intake screen and the unit's inbox."""
