//! The stream families (filled in by the families issue).
