//! The replay families (filled in by the families issue).
