//! A community as it starts: members, shares and rules, turned into the
//! genesis block.

use crate::crypto::vrf::VrfPublicKey;
use crate::crypto::{merkle_root, Hash, KeyError, PublicKey, SecretKey};
use crate::encoding::canonical::CanonicalError;
use crate::encoding::units::{BasisPoints, MilliTokens, Wh};
use crate::model::block::{
    Block, BlockBody, BlockHeader, BLOCK_VERSION, BLOCK_VERSION_2, MARKET_PERIOD_MS,
};
use crate::model::ledger::{Ledger, Rules};
use crate::model::member::{Member, MemberId, Role};
use crate::model::shares::{Share, ShareTable};
use crate::rules::limits;
use crate::rules::transition::{check_share_table, Violation};
use std::fmt;

/// One member as the community starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberSpec {
    pub name: String,
    pub role: Role,
    /// Starting energy; for a generator, its capacity for the whole run.
    pub balance: Wh,
    pub tokens: MilliTokens,
}

/// A community before genesis. Member ids are the positions in `members`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommunitySpec {
    pub members: Vec<MemberSpec>,
    pub rules: Rules,
    /// Who seals the genesis block.
    pub genesis_sealer: MemberId,
}

/// Why a community cannot start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupError {
    NoMembers,
    EmptyName(MemberId),
    UnknownSealer(MemberId),
    Shares(MemberId, Violation),
    /// Past one of the limits of `rules::limits`.
    Limit(Violation),
    /// A member's public key that may not enter the chain.
    WeakKey(MemberId, KeyError),
    Encoding(CanonicalError),
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::NoMembers => write!(f, "a community needs members"),
            SetupError::EmptyName(m) => write!(f, "member {m} needs a name"),
            SetupError::UnknownSealer(m) => write!(f, "the genesis sealer {m} is not a member"),
            SetupError::Shares(m, v) => write!(f, "generator {m}'s share table: {v}"),
            SetupError::Limit(v) => write!(f, "{v}"),
            SetupError::WeakKey(m, why) => write!(f, "member {m}'s public key is refused: {why}"),
            SetupError::Encoding(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SetupError {}

/// George and the member ids of the seed's community.
pub const GEORGE: MemberId = MemberId(0);
pub const ANNE: MemberId = MemberId(1);
pub const BOB: MemberId = MemberId(2);
pub const CARLA: MemberId = MemberId(3);

impl Default for CommunitySpec {
    /// The seed's community (SPEC section 2): George generates up to
    /// 1,000 kWh for Anne (50 %), Bob (30 %) and Carla (20 %); everyone holds
    /// 100 voting tokens; George seals the genesis block.
    fn default() -> CommunitySpec {
        let shares = ShareTable::new(vec![
            Share {
                member: ANNE,
                share: BasisPoints(5_000),
            },
            Share {
                member: BOB,
                share: BasisPoints(3_000),
            },
            Share {
                member: CARLA,
                share: BasisPoints(2_000),
            },
        ])
        .expect("the seed's shares sum to 100 %");
        let customer = |name: &str| MemberSpec {
            name: name.into(),
            role: Role::Customer,
            balance: Wh(0),
            tokens: MilliTokens(100_000),
        };
        CommunitySpec {
            members: vec![
                MemberSpec {
                    name: "George".into(),
                    role: Role::Generator { shares },
                    balance: Wh(1_000_000),
                    tokens: MilliTokens(100_000),
                },
                customer("Anne"),
                customer("Bob"),
                customer("Carla"),
            ],
            rules: Rules::default(),
            genesis_sealer: GEORGE,
        }
    }
}

impl CommunitySpec {
    /// A community of one generator, the seed's George, sharing his output
    /// equally among `customers` customers ("Member 1", "Member 2", ...),
    /// each holding 100 voting tokens: what benchmarks and simulations grow.
    pub fn one_generator(customers: u32) -> Result<CommunitySpec, SetupError> {
        let ids: Vec<MemberId> = (1..=customers).map(MemberId).collect();
        let mut spec = CommunitySpec::default();
        spec.members.truncate(1);
        spec.members[0].role = Role::Generator {
            shares: ShareTable::equal(&ids)
                .map_err(|e| SetupError::Shares(GEORGE, Violation::BadShareTable(e)))?,
        };
        spec.members.extend(ids.iter().map(|id| MemberSpec {
            name: format!("Member {}", id.0),
            role: Role::Customer,
            balance: Wh(0),
            tokens: MilliTokens(100_000),
        }));
        Ok(spec)
    }

    /// A classroom's community: George the generator (who seals the
    /// genesis block and is the registrar) and `members - 1` customers
    /// sharing his output equally; slots of `slot_ms`.
    pub fn classroom(members: u32, slot_ms: u64) -> Result<CommunitySpec, SetupError> {
        let mut spec = CommunitySpec::one_generator(members.saturating_sub(1))?;
        spec.rules.slot_ms = Some(slot_ms);
        Ok(spec)
    }

    /// The genesis ledger, with each member's public key from `public_key`.
    pub fn genesis_ledger(
        &self,
        public_key: impl Fn(MemberId) -> PublicKey,
    ) -> Result<Ledger, SetupError> {
        if self.members.is_empty() {
            return Err(SetupError::NoMembers);
        }
        let last = u32::try_from(self.members.len() - 1).unwrap_or(u32::MAX);
        limits::check_member_number(MemberId(last)).map_err(SetupError::Limit)?;
        let members: Vec<Member> = self
            .members
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let id = MemberId(i as u32);
                Member {
                    id,
                    name: spec.name.trim().to_string(),
                    role: spec.role.clone(),
                    public_key: public_key(id),
                    balance: spec.balance,
                    tokens: spec.tokens,
                    frozen: Vec::new(),
                    reputation: u64::from(id == self.genesis_sealer),
                    last_sealed: (id == self.genesis_sealer).then_some(0),
                    seq: 0,
                    active: true,
                    vrf_key: None,
                }
            })
            .collect();
        let ledger = Ledger {
            members,
            rules: self.rules.clone(),
            minted: MilliTokens(0),
            pot: MilliTokens(0),
            joined_energy: Wh(0),
        };
        for m in &ledger.members {
            if m.name.is_empty() {
                return Err(SetupError::EmptyName(m.id));
            }
            m.public_key
                .check()
                .map_err(|why| SetupError::WeakKey(m.id, why))?;
            if let Some(table) = m.share_table() {
                check_share_table(&ledger, table).map_err(|v| SetupError::Shares(m.id, v))?;
            }
        }
        if ledger.member(self.genesis_sealer).is_none() {
            return Err(SetupError::UnknownSealer(self.genesis_sealer));
        }
        limits::check_rules(&ledger.rules)
            .and_then(|()| limits::check_supply(&ledger))
            .map_err(SetupError::Limit)?;
        Ok(ledger)
    }

    /// The genesis block (height 0) at time `now_ms`, with each member's
    /// public key from `public_key`, sealed with `sealer_key` (the genesis
    /// sealer's, who becomes the registrar).
    pub fn genesis_block(
        &self,
        public_key: impl Fn(MemberId) -> PublicKey,
        sealer_key: &SecretKey,
        now_ms: u64,
    ) -> Result<Block, SetupError> {
        let ledger = self.genesis_ledger(public_key)?;
        seal_genesis(
            ledger,
            BLOCK_VERSION,
            self.genesis_sealer,
            sealer_key,
            now_ms,
        )
    }

    /// The genesis block of a community of nodes (version 2): each member
    /// brings a signing key and a VRF key (`keys`), and slots last
    /// `rules.slot_ms` (a market period when not set).
    pub fn genesis_block_v2(
        &self,
        keys: impl Fn(MemberId) -> (PublicKey, VrfPublicKey),
        sealer_key: &SecretKey,
        now_ms: u64,
    ) -> Result<Block, SetupError> {
        let (header, ledger) = self.unsealed_genesis_v2(keys, now_ms)?;
        seal(header, ledger, sealer_key)
    }

    /// [`CommunitySpec::genesis_block_v2`] before its sealer signs it: its
    /// header and ledger, for whoever checks a genesis block someone else
    /// sealed with a key it does not hold.
    pub fn unsealed_genesis_v2(
        &self,
        keys: impl Fn(MemberId) -> (PublicKey, VrfPublicKey),
        now_ms: u64,
    ) -> Result<(BlockHeader, Ledger), SetupError> {
        let mut ledger = self.genesis_ledger(|id| keys(id).0)?;
        for m in &mut ledger.members {
            let vrf_key = keys(m.id).1;
            vrf_key
                .check()
                .map_err(|why| SetupError::WeakKey(m.id, why))?;
            m.vrf_key = Some(vrf_key);
        }
        ledger.rules.slot_ms = Some(ledger.rules.slot_ms.unwrap_or(MARKET_PERIOD_MS));
        let header = genesis_header(&ledger, BLOCK_VERSION_2, self.genesis_sealer, now_ms)?;
        Ok((header, ledger))
    }
}

/// `ledger` as the genesis block of `version`, sealed by `sealer`.
fn seal_genesis(
    ledger: Ledger,
    version: u32,
    sealer: MemberId,
    sealer_key: &SecretKey,
    now_ms: u64,
) -> Result<Block, SetupError> {
    let header = genesis_header(&ledger, version, sealer, now_ms)?;
    seal(header, ledger, sealer_key)
}

/// The header of a genesis block holding `ledger`.
fn genesis_header(
    ledger: &Ledger,
    version: u32,
    sealer: MemberId,
    now_ms: u64,
) -> Result<BlockHeader, SetupError> {
    Ok(BlockHeader {
        version,
        height: 0,
        parent: Hash::ZERO,
        period_start_ms: now_ms,
        sealed_by: sealer,
        next_miner: sealer,
        merkle_root: merkle_root(&[]),
        ledger_hash: ledger.hash().map_err(SetupError::Encoding)?,
        sealed_at_ms: None,
        rank: None,
    })
}

/// A genesis block of `header` and `ledger`, sealed with `sealer_key`.
fn seal(header: BlockHeader, ledger: Ledger, sealer_key: &SecretKey) -> Result<Block, SetupError> {
    let hash = header.hash().map_err(SetupError::Encoding)?;
    Ok(Block {
        seal: sealer_key.sign(&hash),
        hash,
        header,
        body: BlockBody {
            transactions: Vec::new(),
            ledger,
        },
    })
}
