//! A session as a PDF, laid out by typst. The sheet goes to a fixed typst template as JSON data
//! (`/data.json`) and the pictures as files (`/img/<n>.<ext>`), so nothing a person wrote is ever
//! read as typst markup; the template sets A4 pages with the title and page numbers in the footer,
//! the session's headings as the document's outline, and every text in the fonts given, falling
//! back from one to the next for the letters the first lacks.

use std::collections::HashMap;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::PrintError;
use crate::sheet::Sheet;

const TEMPLATE: &str = include_str!("session.typ");

/// Fonts read once and kept: a host keeps them for as long as it lives (a warm function).
#[derive(Debug, Clone)]
pub struct Fonts {
    faces: Vec<Font>,
    book: LazyHash<FontBook>,
    /// The families, in the order given: the text's fallback list.
    families: Vec<String>,
}

impl Fonts {
    /// The fonts in `files` (TrueType, OpenType, or collections of them); unreadable ones are skipped.
    pub fn new(files: Vec<Vec<u8>>) -> Result<Self, PrintError> {
        let mut faces = Vec::new();
        for file in files {
            faces.extend(Font::iter(Bytes::new(file)));
        }
        if faces.is_empty() {
            return Err(PrintError::NoFonts);
        }
        let mut book = FontBook::new();
        let mut families: Vec<String> = Vec::new();
        for font in &faces {
            book.push(font.info().clone());
            let family = font.info().family.clone();
            if !families.contains(&family) {
                families.push(family);
            }
        }
        Ok(Self { faces, book: LazyHash::new(book), families })
    }

    /// The font families, in the order they fall back.
    pub fn families(&self) -> &[String] {
        &self.families
    }
}

fn file_id(path: &str) -> FileId {
    FileId::new(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("our paths are valid")))
}

/// The typst world of one document: the template, its data, its pictures and the fonts.
struct Print<'a> {
    library: LazyHash<Library>,
    fonts: &'a Fonts,
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl World for Print<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::NotSource) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.faces.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // The template prints no date of its own: the session's is in its data.
        None
    }
}

/// The data the template reads.
#[derive(serde::Serialize)]
struct Data<'a> {
    #[serde(flatten)]
    sheet: &'a Sheet,
    fonts: &'a [String],
    /// The path of each picture, by its index.
    pictures: Vec<String>,
}

/// The PDF of `sheet` in `fonts`.
pub fn pdf(sheet: &Sheet, fonts: &Fonts) -> Result<Vec<u8>, PrintError> {
    let pictures: Vec<String> =
        sheet.pictures.iter().enumerate().map(|(i, p)| format!("/img/{i}.{}", p.kind.extension())).collect();
    let data = Data { sheet, fonts: fonts.families(), pictures: pictures.clone() };
    let json = serde_json::to_vec(&data).map_err(|e| PrintError::Write(e.to_string()))?;
    let mut files = HashMap::from([(file_id("/data.json"), Bytes::new(json))]);
    for (path, picture) in pictures.iter().zip(&sheet.pictures) {
        files.insert(file_id(path), Bytes::new(picture.bytes.clone()));
    }
    let world = Print {
        library: LazyHash::new(Library::default()),
        fonts,
        main: Source::new(file_id("/main.typ"), TEMPLATE.to_owned()),
        files,
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|errors| {
        PrintError::Layout(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
    })?;
    let options = typst_pdf::PdfOptions::default();
    typst_pdf::pdf(&document, &options).map_err(|errors| {
        PrintError::Write(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
    })
}
