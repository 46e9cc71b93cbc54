import { Body, Controller, Get, Param, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Area, type AuthedRequest } from '../../auth/api-key.guard';
import { SoaEntryDto } from './dto/soa.dto';
import { SoaService } from './soa.service';

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('soa')
export class SoaController {
  constructor(private readonly soa: SoaService) {}

  @Get()
  @ApiOperation({ summary: 'The Statement of Applicability: the 93 Annex A 2022 controls, each applicable or not with its justification, implementation, and the risks it treats' })
  list() {
    return this.soa.list();
  }

  @Put(':controlId')
  @ApiOperation({ summary: 'Decide on one control: applicable or not, why, and how far it is implemented' })
  @ApiResponse({ status: 404, description: 'Not an Annex A 2022 control' })
  decide(@Param('controlId') controlId: string, @Body() dto: SoaEntryDto, @Req() req: AuthedRequest) {
    return this.soa.decide(controlId, dto, req.caller.name);
  }
}
