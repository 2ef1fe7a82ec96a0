//! `/v1/tools`: HTTP tools, listings, direct invocation, the record of calls.

pub mod calling;
pub mod routes;
pub mod validate;
