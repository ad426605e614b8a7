"""The forms of the order screens, by screen: transitions, intake, handling panels."""
