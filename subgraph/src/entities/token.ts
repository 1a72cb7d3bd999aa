import { Address, log } from '@graphprotocol/graph-ts';
import { Token, TokenAddress } from '../../generated/schema';

function registerAddress(address: Address, token: Token, standard: string): void {
  const id = address.toHexString();
  let entry = TokenAddress.load(id);
  if (entry != null) {
    if (entry.token != token.id) {
      log.warning('token address {} already belongs to token {}, not re-pointed to {}', [
        id,
        entry.token,
        token.id,
      ]);
    }
    return;
  }
  entry = new TokenAddress(id);
  entry.address = address;
  entry.token = token.id;
  entry.standard = standard;
  entry.save();
}

// PoolCreated is the only place both twins are announced together; the first announcement wins.
export function ensureToken(erc20: Address, erc223: Address): Token {
  const id = erc20.toHexString();
  let token = Token.load(id);
  if (token == null) {
    token = new Token(id);
    token.erc20 = erc20;
  }
  if (erc223.notEqual(Address.zero())) {
    const known = token.erc223;
    if (known === null) {
      token.erc223 = erc223;
    } else if (known.notEqual(erc223)) {
      log.warning('token {}: ERC-223 twin {} announced, keeping {}', [
        id,
        erc223.toHexString(),
        known.toHexString(),
      ]);
    }
  }
  token.save();
  registerAddress(erc20, token, 'ERC20');
  const twin = token.erc223;
  if (twin !== null) registerAddress(Address.fromBytes(twin), token, 'ERC223');
  return token;
}
