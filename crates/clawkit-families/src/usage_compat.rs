//! Native streaming usage compat (filled in by the families issue).
