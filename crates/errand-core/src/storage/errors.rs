//! Why a file operation is refused. The API renders these as problems; the storage tools
//! give the model their message.

use crate::error::{Coded, ErrorCode, Fault, Violation, faults_into};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{0}")]
    InvalidPath(String),
    #[error("no file at {0:?}")]
    NotFound(String),
    /// The content is wrong for the file (not JSON for a `.json` file).
    #[error("the content is not valid for {path:?}")]
    InvalidContent {
        path: String,
        errors: Vec<Violation>,
    },
    #[error("the file would be {size} bytes; storage.max_file_bytes allows {max}")]
    FileTooLarge { size: usize, max: u32 },
    #[error(
        "the project's files would take {bytes} bytes in {files} files; storage allows \
         {max_bytes} bytes in {max_files} files (delete some first)"
    )]
    StorageFull {
        bytes: i64,
        files: i64,
        max_bytes: u64,
        max_files: u32,
    },
    #[error(transparent)]
    Fault(Fault),
}

impl Coded for StorageError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidPath(_) => ErrorCode::InvalidPath,
            Self::NotFound(_) => ErrorCode::FileNotFound,
            Self::InvalidContent { .. } => ErrorCode::InvalidBody,
            Self::FileTooLarge { .. } => ErrorCode::FileTooLarge,
            Self::StorageFull { .. } => ErrorCode::StorageFull,
            Self::Fault(f) => f.code(),
        }
    }

    fn violations(&self) -> &[Violation] {
        match self {
            Self::InvalidContent { errors, .. } => errors,
            _ => &[],
        }
    }
}

faults_into!(StorageError);
