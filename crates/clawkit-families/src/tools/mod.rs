//! The tools families (filled in by the families issue).
