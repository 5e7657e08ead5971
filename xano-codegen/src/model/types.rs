//! The type space of one API group: every named struct and enum, deduplicated by
//! shape, and the naming of those types.
//!
//! Xano inlines every schema and repeats it in every endpoint, so the same record
//! shape can appear dozens of times. Shapes are interned: two schemas that would
//! produce the same Rust type produce it once. Names are chosen after all endpoints
//! are read, so that the choice does not depend on which endpoint came first more
//! than it must (see `type_names::assign_names`).

use std::collections::HashMap;

/// Index of a [`TypeDef`] in its [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A Rust type as generated code spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i64` (Xano integers and `timestamptz` epoch milliseconds).
    I64,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// Any JSON (`xano_runtime::Json`): free-form objects and unsupported shapes.
    Json,
    /// A file upload (`xano_runtime::File`).
    File,
    /// Raw bytes of a binary request body (`xano_runtime::Bytes`).
    Bytes,
    /// A credential: prints redacted, serializes as the string
    /// (`xano_runtime::Secret`).
    Secret,
    /// Xano's `timestamptz`, epoch milliseconds or text (`xano_runtime::Timestamp`).
    Timestamp,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `Option<T>`.
    Option(Box<TypeRef>),
    /// Xano's paging envelope around items of this type (`xano_runtime::Page<T>`).
    Page(Box<TypeRef>),
    /// A struct or enum of the type space.
    Named(TypeId),
}

impl TypeRef {
    /// Wraps in `Option` unless already optional.
    pub fn optional(self) -> TypeRef {
        match self {
            TypeRef::Option(_) => self,
            other => TypeRef::Option(Box::new(other)),
        }
    }

    /// The same type with files replaced by strings.
    pub fn without_files(self) -> TypeRef {
        match self {
            TypeRef::File => TypeRef::String,
            TypeRef::Vec(inner) => TypeRef::Vec(Box::new(inner.without_files())),
            TypeRef::Page(inner) => TypeRef::Page(Box::new(inner.without_files())),
            TypeRef::Option(inner) => TypeRef::Option(Box::new(inner.without_files())),
            other => other,
        }
    }

    /// Whether this is an optional input that may be null: `Option<Option<T>>`,
    /// where `None` leaves it out and `Some(None)` sends `null`.
    pub fn is_nullable_input(&self) -> bool {
        matches!(self, TypeRef::Option(inner) if matches!(**inner, TypeRef::Option(_)))
    }

    /// Whether this type (or the element of a `Vec`/`Option`) is a file.
    pub fn holds_file(&self) -> bool {
        match self {
            TypeRef::File => true,
            TypeRef::Vec(inner) | TypeRef::Option(inner) | TypeRef::Page(inner) => {
                inner.holds_file()
            }
            _ => false,
        }
    }
}

/// Whether a struct is sent (an input) or received (an output); they are generated
/// differently (required fields, derives) and never share a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Part of a request: required fields are plain, optional ones skipped when `None`.
    Request,
    /// Part of a response: every field optional, unknown fields kept.
    Response,
}

/// Where an input field travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// In the query string.
    Query,
    /// A header.
    Header,
    /// A property of the JSON or multipart body.
    Body,
    /// The whole body (when the body schema is not an object).
    WholeBody,
}

/// A generated struct or enum.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name, set by `type_names::assign_names`.
    pub name: String,
    /// Rustdoc, from the schema's description.
    pub doc: Option<String>,
    /// Struct or enum.
    pub kind: TypeKind,
    /// The endpoints that take or return it (directly or inside another type),
    /// as `GET /books`, in endpoint order.
    pub used_by: Vec<String>,
    /// The user's own type to use instead of generating this one (a path).
    pub replaced_by: Option<String>,
    /// The extra derives this type gets (those that can hold for it).
    pub derives: Vec<String>,
}

/// What a [`TypeDef`] is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(StructDef),
    /// A string enum with an `Other(String)` catch-all.
    Enum(EnumDef),
}

impl TypeKind {
    /// The shape with its fields in name order: the key under which two
    /// schemas that differ only in the order of their properties are one type.
    fn canonical(&self) -> TypeKind {
        match self {
            TypeKind::Struct(def) => {
                let mut fields = def.fields.clone();
                fields
                    .sort_by(|a, b| (&a.name, a.location as u8).cmp(&(&b.name, b.location as u8)));
                TypeKind::Struct(StructDef {
                    role: def.role,
                    fields,
                })
            }
            TypeKind::Enum(_) => self.clone(),
        }
    }
}

/// A struct's fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StructDef {
    /// Sent or received.
    pub role: Role,
    /// In spec order.
    pub fields: Vec<Field>,
}

impl StructDef {
    /// Whether a field is a file, making the body multipart.
    pub fn has_file(&self) -> bool {
        self.fields.iter().any(|f| f.ty.holds_file())
    }

    /// Whether the struct is sent field by field rather than serialized: it
    /// holds files (multipart) or raw bytes (a binary body).
    pub fn sent_by_hand(&self) -> bool {
        self.fields
            .iter()
            .any(|f| f.ty.holds_file() || f.ty == TypeRef::Bytes)
    }
}

/// One struct field. Equality and hashing ignore `doc`, so shapes that differ only
/// in descriptions are one type.
#[derive(Debug, Clone)]
pub struct Field {
    /// The name on the wire.
    pub name: String,
    /// The Rust identifier (may be raw, `r#type`).
    pub ident: String,
    /// The full Rust type, `Option` included.
    pub ty: TypeRef,
    /// Where the field travels (inputs only; `Body` for outputs).
    pub location: Location,
    /// Left out of the request when `None` (optional inputs).
    pub skip_if_none: bool,
    /// Rustdoc.
    pub doc: Option<String>,
}

impl Field {
    fn key(&self) -> (&str, &str, &TypeRef, Location, bool) {
        (
            &self.name,
            &self.ident,
            &self.ty,
            self.location,
            self.skip_if_none,
        )
    }
}

impl PartialEq for Field {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Field {}

impl std::hash::Hash for Field {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

/// A string enum.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumDef {
    /// Known values, in spec order.
    pub variants: Vec<Variant>,
    /// The variant that carries values the spec does not list (`Other(String)`,
    /// or `Unknown(String)` when a value is itself `other`): never a known
    /// value's name.
    pub catch_all: String,
}

/// One known enum value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    /// The Rust variant name.
    pub ident: String,
    /// The value on the wire.
    pub value: String,
}

/// Where a name for a type can come from, in the order the uses were read.
#[derive(Debug, Clone)]
pub enum NameHint {
    /// A name fixed by an endpoint (`GetBookOutput`); `primary` names are API the
    /// user relies on, secondary ones (`GetBooksOutputItem`) only a good default.
    Root {
        /// The name.
        name: String,
        /// Whether the name is an endpoint's Output/Input name.
        primary: bool,
    },
    /// A component schema's name (`$ref`): chosen by the spec's author.
    Component {
        /// The name.
        name: String,
    },
    /// The entity an endpoint's path says its output is: `Book` for the output
    /// of `GET /books/{book_id}` or an item of `GET /books`.
    Entity {
        /// The name.
        name: String,
        /// How sure the path is: 3 for a collection (`/books`, `/books/{id}`),
        /// 2 for a write to one, 1 for an action (`/auth/login`).
        weight: u8,
    },
    /// An Input or Output shared by several endpoints: named for the path
    /// segments they all start with (`SyncInput` for `/sync/accounts` and
    /// `/sync/people`; `AuthOutput` for what `/auth/login` and `/auth/signup`
    /// both return).
    Shared {
        /// The literal segments of the endpoint's path.
        segments: Vec<String>,
        /// The endpoint's own `<Fn>Input` or `<Fn>Output` name.
        fallback: String,
        /// `Input` or `Output`.
        suffix: &'static str,
    },
    /// A property of another type: `parent` is a use (see [`TypeSpace::begin_use`]).
    Nested {
        /// The use of the containing type.
        parent: UseId,
        /// The property-derived short name (`Author`).
        short: String,
    },
}

/// A use of a type being built, whose [`TypeId`] is known only once its children
/// are interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UseId(usize);

/// The interned types of one API group.
#[derive(Debug, Default)]
pub struct TypeSpace {
    defs: Vec<TypeDef>,
    hints: Vec<Vec<NameHint>>,
    index: HashMap<TypeKind, TypeId>,
    uses: Vec<Option<TypeId>>,
    /// The type of every hint pushed, in order, so a [`Checkpoint`] can take
    /// them back.
    hint_log: Vec<usize>,
}

/// What a [`TypeSpace`] held at a point, to go back to when an operation that
/// was being read turns out unreadable (its types must not stay behind).
#[derive(Debug, Clone, Copy)]
pub struct Checkpoint {
    defs: usize,
    uses: usize,
    hints: usize,
}

/// Names generated code uses unqualified inside a group module, which a type must
/// not shadow.
pub const RESERVED_TYPE_NAMES: [&str; 21] = [
    "Client",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Serialize",
    "Deserialize",
    "Deserializer",
    "From",
    "Into",
];

impl TypeSpace {
    /// All types, in the order they were first interned.
    pub fn defs(&self) -> &[TypeDef] {
        &self.defs
    }

    /// One type.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.0]
    }

    /// The name of a type (after `type_names::assign_names`).
    pub fn name(&self, id: TypeId) -> &str {
        &self.defs[id.0].name
    }

    /// Starts a use of a type whose children are about to be read.
    pub fn begin_use(&mut self) -> UseId {
        self.uses.push(None);
        UseId(self.uses.len() - 1)
    }

    /// Interns `kind` (reusing an identical earlier type) for the use `this`,
    /// remembering `hint` as a possible name.
    pub fn intern(
        &mut self,
        this: UseId,
        kind: TypeKind,
        doc: Option<String>,
        hint: NameHint,
    ) -> TypeId {
        // Two shapes are one type whatever order their fields come in: Xano's
        // exports do not promise an order of keys.
        let key = kind.canonical();
        let id = match self.index.get(&key) {
            Some(id) => *id,
            None => {
                let id = TypeId(self.defs.len());
                self.index.insert(key, id);
                self.defs.push(TypeDef {
                    name: String::new(),
                    doc,
                    kind,
                    used_by: Vec::new(),
                    replaced_by: None,
                    derives: Vec::new(),
                });
                self.hints.push(Vec::new());
                id
            }
        };
        self.hints[id.0].push(hint);
        self.hint_log.push(id.0);
        self.uses[this.0] = Some(id);
        id
    }

    /// Adds a possible name for a type already interned.
    pub fn add_hint(&mut self, id: TypeId, hint: NameHint) {
        self.hints[id.0].push(hint);
        self.hint_log.push(id.0);
    }

    /// Where the type space is now.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            defs: self.defs.len(),
            uses: self.uses.len(),
            hints: self.hint_log.len(),
        }
    }

    /// Forgets every type, use and name hint added since `checkpoint`.
    pub fn rollback(&mut self, checkpoint: Checkpoint) {
        while self.hint_log.len() > checkpoint.hints {
            if let Some(id) = self.hint_log.pop()
                && let Some(hints) = self.hints.get_mut(id)
            {
                hints.pop();
            }
        }
        self.defs.truncate(checkpoint.defs);
        self.hints.truncate(checkpoint.defs);
        self.uses.truncate(checkpoint.uses);
        self.index.retain(|_, id| id.0 < checkpoint.defs);
    }

    /// The name hints of every type, by id.
    pub(super) fn hints(&self) -> &[Vec<NameHint>] {
        &self.hints
    }

    /// The type a use became.
    pub(super) fn use_type(&self, this: UseId) -> Option<TypeId> {
        self.uses[this.0]
    }

    /// Every type, to change.
    pub(super) fn defs_mut(&mut self) -> &mut [TypeDef] {
        &mut self.defs
    }
}
